// A lean Streamable HTTP client for benchmarks: one keep-alive TCP socket per session, raw
// HTTP/1.1, talking the way Claude Code does (initialize, notifications/initialized, then one
// tools/call after another, each answered as an SSE stream). It costs a few µs per call, so the
// load generator is not what limits the numbers.
import net from 'node:net';

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Parses HTTP/1.1 responses (Content-Length or chunked) arriving on one socket, in order. */
class ResponseReader {
  constructor(socket) {
    this.buf = Buffer.alloc(0);
    this.waiting = undefined;
    socket.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.pump();
    });
    const fail = (e) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e ?? new Error('socket closed'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  /** Resolve with {status, headers, body}; `onEvent` sees each SSE event as soon as it is complete. */
  next(onEvent) {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, onEvent, head: undefined, body: [], sseText: '', chunkLeft: -1 };
      this.pump();
    });
  }

  pump() {
    const w = this.waiting;
    if (!w) return;
    if (!w.head) {
      const end = this.buf.indexOf(CRLFCRLF);
      if (end === -1) return;
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(':');
        headers[lines[i].slice(0, c).toLowerCase()] = lines[i].slice(c + 1).trim();
      }
      w.head = { status, headers };
      w.chunked = headers['transfer-encoding'] === 'chunked';
      w.length = w.chunked ? -1 : Number(headers['content-length'] ?? 0);
      w.sse = (headers['content-type'] ?? '').startsWith('text/event-stream');
      this.buf = this.buf.subarray(end + 4);
    }
    if (!w.chunked) {
      if (this.buf.length < w.length) return;
      this.body(w, this.buf.subarray(0, w.length));
      this.buf = this.buf.subarray(w.length);
      return this.done(w);
    }
    for (;;) {
      if (w.chunkLeft === -1) {
        const eol = this.buf.indexOf('\r\n');
        if (eol === -1) return;
        const size = parseInt(this.buf.subarray(0, eol).toString('latin1'), 16);
        if (size === 0) {
          if (this.buf.length < eol + 4) return;
          this.buf = this.buf.subarray(eol + 4);
          return this.done(w);
        }
        w.chunkLeft = size;
        this.buf = this.buf.subarray(eol + 2);
      }
      if (this.buf.length < w.chunkLeft + 2) return;
      this.body(w, this.buf.subarray(0, w.chunkLeft));
      this.buf = this.buf.subarray(w.chunkLeft + 2);
      w.chunkLeft = -1;
    }
  }

  body(w, part) {
    if (!w.sse) return void w.body.push(Buffer.from(part));
    w.sseText += part.toString('utf8');
    let sep;
    while ((sep = w.sseText.indexOf('\n\n')) !== -1) {
      const event = w.sseText.slice(0, sep);
      w.sseText = w.sseText.slice(sep + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) {
        const msg = JSON.parse(data);
        w.body.push(msg);
        w.onEvent?.(msg);
      }
    }
  }

  done(w) {
    this.waiting = undefined;
    const messages = w.sse ? w.body : w.body.length ? [JSON.parse(Buffer.concat(w.body).toString('utf8'))] : [];
    w.resolve({ ...w.head, messages });
  }
}

export function connect(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket));
    socket.setNoDelay(true);
    socket.once('error', reject);
  });
}

/** Plain HTTP/1.1 requests over one keep-alive socket (for the decision API). */
export class HttpConnection {
  static async open(port, host = '127.0.0.1') {
    const c = new HttpConnection();
    c.socket = await connect(port, host);
    c.reader = new ResponseReader(c.socket);
    c.port = port;
    return c;
  }

  /** Resolves with {status, headers, messages} (a JSON body is messages[0]). */
  request(method, path, headers = {}, body = '') {
    const bytes = Buffer.from(body);
    let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nConnection: keep-alive\r\nContent-Length: ${bytes.length}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    const res = this.reader.next();
    this.socket.write(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), bytes]));
    return res;
  }

  close() {
    this.socket.destroy();
  }
}

/** One MCP session over one socket. */
export class Session {
  constructor(socket, { port, path = '/mcp', host = '127.0.0.1' }) {
    this.socket = socket;
    this.reader = new ResponseReader(socket);
    this.port = port;
    this.path = path;
    this.host = host;
    this.sid = undefined;
    this.nextId = 1;
  }

  static async open(opts) {
    const s = new Session(await connect(opts.port, opts.host), opts);
    await s.initialize(opts.roots);
    return s;
  }

  post(body, onEvent) {
    const bytes = Buffer.from(body);
    const head =
      `POST ${this.path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nContent-Type: application/json\r\n` +
      'Accept: application/json, text/event-stream\r\n' +
      (this.sid ? `mcp-session-id: ${this.sid}\r\nmcp-protocol-version: 2025-11-25\r\n` : '') +
      `Content-Length: ${bytes.length}\r\nConnection: keep-alive\r\n\r\n`;
    const res = this.reader.next(onEvent);
    this.socket.write(Buffer.concat([Buffer.from(head, 'latin1'), bytes]));
    return res;
  }

  async initialize(roots) {
    const init = {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: roots ? { roots: { listChanged: true } } : {},
        clientInfo: { name: 'claude-code', title: 'Claude Code', version: '2.1.328' },
      },
    };
    const r = await this.post(JSON.stringify(init));
    if (r.status !== 200) throw new Error(`initialize: HTTP ${r.status} ${JSON.stringify(r.messages)}`);
    this.sid = r.headers['mcp-session-id'];
    this.roots = roots;
    const n = await this.post('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    if (n.status !== 202) throw new Error(`notifications/initialized: HTTP ${n.status}`);
  }

  /** One permission check, as Claude Code sends it; resolves with the decision text. */
  async call(input = { command: 'npm test', description: 'Run the tests' }) {
    const id = this.nextId++;
    const toolUseId = `toolu_bench_${id}`;
    const body =
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"approval_prompt","arguments":` +
      `{"tool_name":"Bash","input":${JSON.stringify(input)},"tool_use_id":"${toolUseId}"},` +
      `"_meta":{"claudecode/toolUseId":"${toolUseId}","progressToken":${id}}}}`;
    const r = await this.post(body, (msg) => {
      // The server may ask for our roots on the call's own stream: answer on a second connection.
      if (msg.method === 'roots/list' && msg.id !== undefined) void this.answer(msg.id, { roots: [{ uri: `file://${this.roots}` }] });
    });
    const result = r.messages.find((m) => m.id === id);
    if (r.status !== 200 || !result?.result) throw new Error(`tools/call: HTTP ${r.status} ${JSON.stringify(r.messages)}`);
    return result.result.content[0].text;
  }

  async answer(id, result) {
    const side = new Session(await connect(this.port, this.host), this);
    side.sid = this.sid;
    await side.post(JSON.stringify({ jsonrpc: '2.0', id, result }));
    side.close();
  }

  close() {
    this.socket.destroy();
  }
}
