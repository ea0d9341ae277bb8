// A gRPC client nobody here wrote the library of: @grpc/grpc-js with
// @grpc/proto-loader, loading the repo's proto at run time (no generated
// code). It streams a workload through PublishStream and checks every
// reply: one per event, in order, with the event's id, ok exactly when the
// workload says the event is valid, the echo's result equal to its data,
// and a rejection carrying a google.rpc.Status with a code.
//
//   node client.js --addr 127.0.0.1:9090 --proto DIR [--proto DIR...] --workload FILE [--token T]
//
// Each --proto is an include directory: the contract's, and the one its
// third-party imports (google/api, google/rpc) are vendored in.
//
// Prints one JSON line of counts; exits 1 on the first wrong reply.
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : def;
}

const protoDirs = process.argv.filter((a, i) => i > 0 && process.argv[i - 1] === '--proto');
const def = protoLoader.loadSync('schemagate/v1/event_service.proto', {
  includeDirs: protoDirs, keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
const pkg = grpc.loadPackageDefinition(def);
const client = new pkg.schemagate.v1.EventService(arg('addr'), grpc.credentials.createInsecure());

const lines = fs.readFileSync(arg('workload'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const events = lines.map((l, i) => {
  const w = JSON.parse(l);
  const data = Buffer.from(JSON.stringify(w.frame.data === undefined ? null : w.frame.data));
  return { valid: w.valid, ev: { id: 'n-' + i, type: String(w.frame.type), version: Number(w.frame.version) || 0, data } };
});

const md = new grpc.Metadata();
if (arg('token')) md.set('authorization', 'Bearer ' + arg('token'));
const call = client.PublishStream(md);
let n = 0;
const counts = { sent: events.length, replies: 0, ok: 0, rejected: 0 };
function fail(msg) {
  console.error('client.js: ' + msg);
  process.exit(1);
}
call.on('data', (r) => {
  const want = events[n];
  if (!want) fail('a reply beyond the events sent: ' + JSON.stringify(r));
  if (r.id !== want.ev.id) fail(`reply ${n}: id ${r.id}, want ${want.ev.id}`);
  if (r.ok !== want.valid) fail(`reply ${n} (${want.ev.type}): ok ${r.ok}, the workload says valid=${want.valid}: ${JSON.stringify(r.error)}`);
  if (r.ok) {
    counts.ok++;
    if (want.ev.type === 'echo' && !Buffer.from(r.result).equals(want.ev.data)) fail(`reply ${n}: echo result differs from the data`);
  } else {
    counts.rejected++;
    if (!r.error || !(r.error.code > 0) || !r.error.message) fail(`reply ${n}: a rejection without a status: ${JSON.stringify(r)}`);
  }
  n++;
  counts.replies = n;
});
call.on('error', (e) => fail('stream failed: ' + e.message));
call.on('end', () => {
  if (n !== events.length) fail(`${n} replies to ${events.length} events`);
  console.log(JSON.stringify(counts));
  client.close();
});
for (const e of events) call.write(e.ev);
call.end();
