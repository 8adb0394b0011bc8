/** Short, typeable call ids (`cco approve k3f9q2`), from an injected source of random bytes. */
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'; // no 0/1/i/l/o: easy to read aloud and type

export function makeIdGenerator(randomBytes: (n: number) => Uint8Array, length = 6): () => string {
  return () => {
    const bytes = randomBytes(length);
    let id = '';
    for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
    return id;
  };
}
