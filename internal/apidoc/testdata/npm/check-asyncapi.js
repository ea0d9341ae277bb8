// Parses an AsyncAPI document with the official parser (@asyncapi/parser)
// and exits 1 with its diagnostics if any is an error. The parser has no
// schema parser for JSON Schema 2020-12, so one is registered for the
// documents' schemaFormat: for AsyncAPI 3 the parser hands every message
// payload to its format's parse() after resolving the $refs, and Ajv's
// 2020-12 compiler (with formats) compiles each there; a schema that does
// not compile fails the parse.
'use strict';
const fs = require('fs');
const { Parser } = require('@asyncapi/parser');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const format = 'application/schema+json;version=draft-2020-12';
let compiled = 0;
const failures = [];

function compile(input) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  try {
    ajv.compile(input.data);
    compiled++;
  } catch (e) {
    failures.push(`/${(input.path || []).join('/')}: ${e.message}`);
  }
}

const parser = new Parser();
parser.registerSchemaParser({
  getMimeTypes: () => [format],
  validate: async (input) => {
    compile(input);
    return [];
  },
  parse: async (input) => {
    compile(input);
    return input.data;
  },
});

(async () => {
  const text = fs.readFileSync(process.argv[2], 'utf8');
  const { document, diagnostics } = await parser.parse(text);
  let errors = 0;
  for (const d of diagnostics) {
    const level = ['error', 'warning', 'info', 'hint'][d.severity] || String(d.severity);
    if (d.severity === 0) errors++;
    console.log(`${level} ${d.code} at /${(d.path || []).join('/')}: ${d.message}`);
  }
  for (const f of failures) console.log(`error 2020-12 payload does not compile at ${f}`);
  if (!document || errors > 0 || failures.length > 0) {
    console.log(`asyncapi parser: ${errors + failures.length} errors`);
    process.exit(1);
  }
  console.log(`asyncapi parser: valid (${document.channels().length} channels, ${document.messages().length} messages, ` +
    `${document.operations().length} operations, ${compiled} 2020-12 payloads compiled)`);
})().catch((e) => { console.error(e); process.exit(2); });
