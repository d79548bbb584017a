// Test code only: preloaded into CLI processes (`NODE_OPTIONS=--require .../noNetwork.cjs`) to show that a command
// opens no connection. Every socket connect (TCP, TLS, and so every fetch) and every DNS lookup is appended to the
// file named by INOCULATE_NO_NETWORK_LOG and fails as a refused connection would, so nothing leaves the process.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const log = process.env.INOCULATE_NO_NETWORK_LOG;

function record(what) {
  if (log) fs.appendFileSync(log, `${process.pid} ${what}\n`);
}

function refused(what) {
  const error = new Error(`network disabled in this test: ${what}`);
  error.code = 'ECONNREFUSED';
  return error;
}

function describeConnect(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') return first.path ?? `${first.host ?? 'localhost'}:${first.port}`;
  return typeof args[1] === 'string' ? `${args[1]}:${first}` : String(first);
}

net.Socket.prototype.connect = function connect(...args) {
  const what = `connect ${describeConnect(args)}`;
  record(what);
  process.nextTick(() => this.destroy(refused(what)));
  return this;
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const original = dns[name];
  if (typeof original !== 'function') continue;
  dns[name] = function blockedLookup(host, ...rest) {
    record(`dns ${host}`);
    const callback = rest.find((arg) => typeof arg === 'function');
    if (callback) process.nextTick(() => callback(refused(`dns ${host}`)));
  };
}
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  if (typeof dns.promises[name] !== 'function') continue;
  dns.promises[name] = async (host) => {
    record(`dns ${host}`);
    throw refused(`dns ${host}`);
  };
}
