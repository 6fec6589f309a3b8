// The errors page follows the server's Link rel="next" for older pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nextLink } from '../assets/js/lib/api.js';

test('the rel="next" target of a Link header', () => {
  assert.equal(nextLink('</api/errors?before=7&limit=4>; rel="next"'), '/api/errors?before=7&limit=4');
  assert.equal(nextLink('</a>; rel=prev, </api/errors?before=3&limit=2&status=4xx>; rel="next"'),
    '/api/errors?before=3&limit=2&status=4xx');
  assert.equal(nextLink('</b>; title="x"; rel="last next"'), '/b');
});

test('no next page', () => {
  assert.equal(nextLink(null), null);
  assert.equal(nextLink(''), null);
  assert.equal(nextLink('</a>; rel="prev"'), null);
});

test('only same-origin paths are followed', () => {
  assert.equal(nextLink('<https://elsewhere.example/x>; rel="next"'), null);
  assert.equal(nextLink('<//elsewhere.example/x>; rel="next"'), null);
});
