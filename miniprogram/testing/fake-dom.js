// Just enough of a browser to run forum/static/webview.js in a Node vm context: meta
// tags, <html> classes, script loading, click and HTMX events, fetch, timers.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const WEBVIEW_JS = path.resolve(__dirname, '../../forum/static/webview.js');

class FakeElement {
  constructor(tagName, attributes = {}, parent = null) {
    this.tagName = tagName.toUpperCase();
    this.attributes = Object.assign({}, attributes);
    this.parentElement = parent;
    this.listeners = {};
  }

  getAttribute(name) {
    return Object.prototype.hasOwnProperty.call(this.attributes, name) ? this.attributes[name] : null;
  }

  setAttribute(name, value) { this.attributes[name] = String(value); }

  removeAttribute(name) { delete this.attributes[name]; }

  hasAttribute(name) { return Object.prototype.hasOwnProperty.call(this.attributes, name); }

  // Supports the selector shapes webview.js uses: tag[attr] and tag[attr="value"].
  matches(selector) {
    const m = /^([a-z]*)\[([\w:-]+)(?:="([^"]*)")?\]$/.exec(selector);
    if (!m) throw new Error('unsupported selector ' + selector);
    if (m[1] && this.tagName !== m[1].toUpperCase()) return false;
    if (!this.hasAttribute(m[2])) return false;
    return m[3] === undefined || this.getAttribute(m[2]) === m[3];
  }

  closest(selector) {
    for (let el = this; el; el = el.parentElement) {
      if (el.matches(selector)) return el;
    }
    return null;
  }

  addEventListener(type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  }

  dispatch(type, event) {
    for (const listener of this.listeners[type] || []) listener(event);
  }
}

function createBrowser({ userAgent = 'Mozilla/5.0', wxjsEnvironment, metas = {}, wx, fetch } = {}) {
  const classes = new Set();
  const elements = [];
  const appendedScripts = [];
  const timers = [];
  const fetches = [];

  const documentElement = new FakeElement('html');
  documentElement.classList = {
    add: (name) => classes.add(name),
    contains: (name) => classes.has(name),
  };
  const head = new FakeElement('head', {}, documentElement);
  head.appendChild = (el) => { appendedScripts.push(el); };
  const body = new FakeElement('body', {}, documentElement);

  const document = new FakeElement('#document');
  Object.assign(document, {
    documentElement,
    head,
    body,
    title: '微社群',
    createElement: (tag) => new FakeElement(tag),
    querySelectorAll: (selector) => elements.filter((el) => el.matches(selector)),
  });

  const window = {
    document,
    navigator: { userAgent },
    location: { href: 'https://community.example.com/p/12', pathname: '/p/12', search: '' },
    URL,
    setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimeout: (id) => { if (timers[id - 1]) timers[id - 1].cleared = true; },
    fetch: (url, init) => {
      fetches.push({ url, init });
      return fetch ? fetch(url, init) : Promise.resolve({ status: 204 });
    },
  };
  if (wxjsEnvironment !== undefined) window.__wxjs_environment = wxjsEnvironment;
  if (wx) window.wx = wx;
  window.window = window;

  const browser = {
    window,
    document,
    body,
    classes,
    appendedScripts,
    timers,
    fetches,
    setMeta(name, content) {
      const existing = elements.find((el) => el.tagName === 'META' && el.getAttribute('name') === name);
      if (existing) existing.setAttribute('content', content);
      else elements.push(new FakeElement('meta', { name, content }, head));
    },
    addElement(tag, attributes, parent = body) {
      const el = new FakeElement(tag, attributes, parent);
      return el;
    },
    // Dispatches a click on `target`; returns the event (see defaultPrevented).
    click(target) {
      const event = {
        target,
        defaultPrevented: false,
        preventDefault() { this.defaultPrevented = true; },
      };
      document.dispatch('click', event);
      return event;
    },
    run() {
      vm.runInNewContext(fs.readFileSync(WEBVIEW_JS, 'utf8'), window, { filename: 'webview.js' });
    },
  };
  for (const [name, content] of Object.entries(metas)) browser.setMeta(name, content);
  return browser;
}

// Lets pending promise callbacks run.
function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

function createMiniProgram() {
  const calls = { navigateTo: [], postMessage: [] };
  return {
    calls,
    miniProgram: {
      navigateTo: (args) => calls.navigateTo.push(args),
      postMessage: (args) => calls.postMessage.push(args),
      getEnv: (cb) => cb({ miniprogram: true }),
    },
  };
}

module.exports = { createBrowser, createMiniProgram, settle };
