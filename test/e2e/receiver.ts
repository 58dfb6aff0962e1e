import { appendFileSync } from "node:fs";
import { createServer } from "node:http";

/**
 * A local notification receiver for the e2e (run in the "outside" namespace by run.sh): records
 * every request as one JSON line (method, path, title header, content type, body) in a file.
 *   node dist/test/e2e/receiver.js <port> <file>
 */
const [port, file] = process.argv.slice(2);
createServer((req, res) => {
  let body = "";
  req.on("data", (d) => {
    body += d;
  });
  req.on("end", () => {
    const line = { method: req.method, path: req.url, title: req.headers.title, type: req.headers["content-type"], body };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    res.end("ok\n");
  });
}).listen(Number(port));
