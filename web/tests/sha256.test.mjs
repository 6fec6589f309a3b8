// The incremental SHA-256 of the Builds page against Node's.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { Sha256 } from '../assets/js/lib/sha256.js';

test('matches node:crypto for every padding boundary, fed in odd pieces', () => {
  for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65537]) {
    const bytes = randomBytes(size);
    const hash = new Sha256();
    for (let at = 0; at < size;) {
      const take = Math.min(size - at, 1 + ((at * 7) % 97));
      hash.update(new Uint8Array(bytes.subarray(at, at + take)));
      at += take;
    }
    assert.equal(hash.hex(), createHash('sha256').update(bytes).digest('hex'), `size ${size}`);
  }
});

test('the empty input has the known digest', () => {
  assert.equal(new Sha256().hex(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
