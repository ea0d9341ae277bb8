// A webhook receiver built on the Standard Webhooks reference library
// (npm "standardwebhooks"), for tests: it verifies every delivery with the
// secrets in WH_SECRETS (space-separated; one is enough to accept) and
// prints one JSON line per delivery on stdout:
//   {"id":…,"ok":true,"dup":false,"type":…,"version":…,"body":…}
//   {"id":…,"ok":false,"error":"No matching signature found"}
// A verified delivery gets 204, a refused one 400. The first line is
// {"listening":PORT}.
"use strict";
const http = require("http");
const { Webhook } = require("standardwebhooks");

const hooks = (process.env.WH_SECRETS || "").split(/\s+/).filter(Boolean).map((s) => new Webhook(s));
const port = Number(process.env.WH_PORT || 0);
const seen = new Set();

function verify(body, headers) {
  let last = new Error("no secret configured");
  for (const h of hooks) {
    try {
      h.verify(body, headers);
      return null;
    } catch (e) {
      last = e;
    }
  }
  return last.message;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const id = req.headers["webhook-id"] || "";
    const error = verify(body, req.headers);
    const line = { id, ok: error === null };
    if (error === null) {
      line.dup = seen.has(id);
      seen.add(id);
      line.type = req.headers["webhook-event-type"];
      line.version = req.headers["webhook-event-version"];
      line.body = body;
    } else {
      line.error = error;
    }
    process.stdout.write(JSON.stringify(line) + "\n");
    res.writeHead(error === null ? 204 : 400);
    res.end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ listening: server.address().port }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
