// Loopback gateway in front of the Supabase Storage server, with seeded fault injection.
//
// supabase-py's create_client(url, key).storage talks to url + "/storage/v1/...", the server
// serves its routes at the root ("/object/...", "/bucket/..."). As Supabase's gateway does,
// this strips "/storage/v1" and tells the server where it stands (X-Forwarded-Host, -Proto,
// -Prefix; the server runs with REQUEST_ALLOW_X_FORWARDED_PATH=true), so the TUS Location is
// built by the server itself as https://<this host>/storage/v1/upload/resumable/<id>. This
// proxy speaks plain http where the gateway terminates TLS, so an https Location naming this
// host is answered as http. Method, the other headers and bodies stream through unchanged.
//
// usage: node proxy.js --listen PORT --upstream PORT [--plan FILE] [--log FILE] [--exit-with PID]
//   --listen 0 picks a free port; the first stdout line is "listening on 127.0.0.1:<port>".
//   --exit-with PID: exit when that process is gone (a test process killed with SIGKILL).
//
// Fault plan (--plan, JSON), for tests of clients that must survive a flaky server:
//   {"seed": 7, "rules": [RULE, ...]}
//   RULE = {"method"?: "PATCH", "path_prefix"?: "/storage/v1/upload/resumable",
//           "rate": 0.2 | "nth": [1, 3],  "fault": FAULT}
//   FAULT = {"status": 500|503|429|..., "headers"?: {...}}  answered here, never forwarded
//         | {"reset": "request", "after_bytes"?: N}  reset after N request-body bytes (default
//             half the Content-Length; at once without a body), never forwarded
//         | {"reset": "response", "after_bytes"?: N} forwarded (the server does the work), the
//             response headers and N body bytes (default half) sent, then the connection reset
//         | {"delay_ms": N}                          forwarded, the response held back N ms
// A rule matches a request by method and path prefix (of the client's path); "nth" counts the
// requests that rule matched (1-based), "rate" draws from the rule's own PRNG (mulberry32,
// seeded from seed and the rule's index) once per matching request. The first rule that fires
// applies. So for the same seed and the same order of arrival the same requests fail.
// --log FILE gets one JSON line per request: {"n","method","path","rule","fault"}.
'use strict'
const http = require('node:http')
const fs = require('node:fs')

const PREFIX = '/storage/v1'

function fail(message) {
  process.stderr.write('proxy: ' + message + '\n')
  process.exit(2)
}

function parseArgs(argv) {
  const opts = {}
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]
    const value = argv[i + 1]
    if (!['--listen', '--upstream', '--plan', '--log', '--exit-with'].includes(key) || value === undefined) {
      fail('usage: node proxy.js --listen PORT --upstream PORT [--plan FILE] [--log FILE] [--exit-with PID]')
    }
    opts[key.slice(2)] = value
  }
  if (opts.listen === undefined || opts.upstream === undefined) fail('--listen and --upstream are required')
  return opts
}

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function describeFault(f) {
  if (f.status !== undefined) return String(f.status)
  if (f.reset !== undefined) return 'reset-' + f.reset
  return 'delay-' + f.delay_ms
}

function loadPlan(file) {
  if (file === undefined) return []
  let plan
  try {
    plan = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    fail('cannot read the fault plan ' + file + ': ' + e.message)
  }
  const seed = Number.isInteger(plan.seed) ? plan.seed : fail('fault plan: "seed" must be an integer')
  if (!Array.isArray(plan.rules)) fail('fault plan: "rules" must be an array')
  return plan.rules.map((r, i) => {
    const where = 'fault plan rule ' + i + ': '
    const f = r.fault || fail(where + '"fault" is required')
    const kinds = ['status', 'reset', 'delay_ms'].filter((k) => f[k] !== undefined)
    if (kinds.length !== 1) fail(where + 'fault needs exactly one of "status", "reset", "delay_ms"')
    if (f.reset !== undefined && f.reset !== 'request' && f.reset !== 'response') {
      fail(where + '"reset" is "request" or "response"')
    }
    if ((r.rate === undefined) === (r.nth === undefined)) fail(where + 'exactly one of "rate" and "nth"')
    if (r.rate !== undefined && !(r.rate >= 0 && r.rate <= 1)) fail(where + '"rate" is a fraction in [0, 1]')
    if (r.nth !== undefined && !(Array.isArray(r.nth) && r.nth.every(Number.isInteger))) {
      fail(where + '"nth" is a list of 1-based request numbers')
    }
    return {
      index: i,
      method: r.method,
      pathPrefix: r.path_prefix,
      rate: r.rate,
      nth: r.nth ? new Set(r.nth) : undefined,
      fault: f,
      seen: 0,
      random: mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0),
    }
  })
}

// Every matching rule counts and draws, fired or not, so each rule's decisions depend only
// on the requests it matched.
function decide(rules, method, path) {
  let chosen = null
  for (const r of rules) {
    if (r.method !== undefined && r.method !== method) continue
    if (r.pathPrefix !== undefined && !path.startsWith(r.pathPrefix)) continue
    r.seen += 1
    const fires = r.nth ? r.nth.has(r.seen) : r.random() < r.rate
    if (fires && chosen === null) chosen = r
  }
  return chosen
}

const opts = parseArgs(process.argv.slice(2))
const upstreamPort = Number(opts.upstream)
const rules = loadPlan(opts.plan)
const logFd = opts.log === undefined ? null : fs.openSync(opts.log, 'a')
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
let requestCount = 0

function reset(socket) {
  if (socket && !socket.destroyed) socket.resetAndDestroy()
}

// Half of a declared length, or the given number of bytes.
function cutPoint(fault, contentLength) {
  if (fault.after_bytes !== undefined) return fault.after_bytes
  return contentLength === undefined ? 0 : Math.floor(contentLength / 2)
}

function respondInjected(req, res, fault) {
  req.resume()
  req.on('end', () => {
    const status = fault.status
    const body = JSON.stringify({ statusCode: String(status), error: 'injected', message: 'fault injected by the test proxy' })
    res.writeHead(status, { 'content-type': 'application/json', ...(fault.headers || {}) })
    res.end(body)
  })
}

function resetRequestMidBody(req, fault) {
  const declared = req.headers['content-length']
  const hasBody = declared !== undefined ? Number(declared) > 0 : req.headers['transfer-encoding'] !== undefined
  if (!hasBody) return reset(req.socket)
  const cut = cutPoint(fault, declared === undefined ? undefined : Number(declared))
  let received = 0
  const check = () => {
    if (received >= cut) reset(req.socket)
  }
  req.on('data', (chunk) => {
    received += chunk.length
    check()
  })
  check()
}

// An absolute https Location naming this proxy's own host becomes http (TLS ends at the gateway).
function fixLocation(rawHeaders, host) {
  const out = rawHeaders.slice()
  for (let i = 0; i < out.length; i += 2) {
    if (out[i].toLowerCase() === 'location' && out[i + 1].startsWith('https://' + host + '/')) {
      out[i + 1] = 'http://' + out[i + 1].slice('https://'.length)
    }
  }
  return out
}

// Hop-by-hop headers belong to the client's connection to this proxy, not to the server's.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']

function forward(req, res, path, fault) {
  const headers = {
    ...req.headers,
    'x-forwarded-host': req.headers.host,
    'x-forwarded-proto': 'http',
    'x-forwarded-prefix': PREFIX,
  }
  for (const h of HOP_BY_HOP) delete headers[h]
  let answered = false
  const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path, headers, agent }, (upRes) => {
    answered = true
    const send = () => {
      if (res.destroyed) return upRes.resume()
      res.writeHead(upRes.statusCode, fixLocation(upRes.rawHeaders, req.headers.host))
      if (fault && fault.reset === 'response') return sendPartThenReset(upRes, res, fault)
      upRes.pipe(res)
    }
    if (fault && fault.delay_ms !== undefined) setTimeout(send, fault.delay_ms)
    else send()
  })
  up.on('error', (err) => {
    // The server may answer before reading the whole body (413) and then close: that answer
    // stands, as at a real gateway.
    if (answered) return
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: 'proxy upstream error: ' + err.message }))
  })
  req.pipe(up)
}

function sendPartThenReset(upRes, res, fault) {
  const declared = upRes.headers['content-length']
  const total = declared === undefined ? undefined : Number(declared)
  const cut = cutPoint(fault, total)
  // A response that would be complete at the cut is reset before anything is sent, so the
  // client never mistakes it for a whole answer.
  if (total !== undefined && cut >= total) {
    upRes.resume()
    return reset(res.socket)
  }
  const writeThenReset = (part) => res.write(part, () => reset(res.socket))
  if (cut === 0 && total !== undefined) {
    upRes.resume()
    res.flushHeaders()
    return writeThenReset(Buffer.alloc(0))
  }
  // Without a declared length (chunked) and no cut, the first chunk goes out and the
  // terminating chunk never does.
  const firstChunkOnly = total === undefined && cut === 0
  let sent = 0
  let done = false
  upRes.on('data', (chunk) => {
    if (done) return
    const part = firstChunkOnly ? chunk : chunk.subarray(0, cut - sent)
    sent += part.length
    if (firstChunkOnly || sent >= cut) {
      done = true
      writeThenReset(part)
    } else {
      res.write(part)
    }
  })
  upRes.on('end', () => {
    if (!done) reset(res.socket)
  })
}

const server = http.createServer((req, res) => {
  const n = ++requestCount
  const rawPath = req.url
  const pathOnly = rawPath.split('?')[0]
  const rule = rules.length ? decide(rules, req.method, pathOnly) : null
  const fault = rule ? rule.fault : null
  if (logFd !== null) {
    const line = { n, method: req.method, path: pathOnly, rule: rule ? rule.index : null, fault: fault ? describeFault(fault) : null }
    fs.writeSync(logFd, JSON.stringify(line) + '\n')
  }
  if (!(rawPath === PREFIX || rawPath.startsWith(PREFIX + '/') || rawPath.startsWith(PREFIX + '?'))) {
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: 'proxy: only ' + PREFIX + '/* is forwarded' }))
    return
  }
  let path = rawPath.slice(PREFIX.length) || '/'
  if (path.startsWith('?')) path = '/' + path
  if (fault && fault.status !== undefined) return respondInjected(req, res, fault)
  if (fault && fault.reset === 'request') return resetRequestMidBody(req, fault)
  forward(req, res, path, fault)
})

server.keepAliveTimeout = 60000
server.listen(Number(opts.listen), '127.0.0.1', () => {
  process.stdout.write('listening on 127.0.0.1:' + server.address().port + '\n')
})
if (opts['exit-with'] !== undefined) {
  const pid = Number(opts['exit-with'])
  setInterval(() => {
    try {
      process.kill(pid, 0)
    } catch {
      process.exit(0)
    }
  }, 250).unref()
}
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => process.exit(0))
}
