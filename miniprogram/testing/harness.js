// Test harness for the mini-program under Node's test runner: a stub `wx` that records
// calls, and loaders that run app.js / page files with stubbed App, Page and getApp.
// Kept outside test/ so that `node --test miniprogram/test/` does not run it as a test
// file; left out of the uploaded package by project.config.json.
'use strict';

const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

// `behaviour` overrides how an API answers, e.g.
//   {login: (args) => args.fail({errMsg: 'login:fail'})}
function createWx(behaviour = {}) {
  const calls = {};
  const defaults = {
    login: (args) => args.success({ code: 'code-1', errMsg: 'login:ok' }),
    request: (args) => args.success({ statusCode: 200, data: { ticket: 'ticket-1' } }),
    navigateToMiniProgram: (args) => args.success && args.success({ errMsg: 'navigateToMiniProgram:ok' }),
  };
  const wx = { calls };
  const names = ['login', 'request', 'redirectTo', 'reLaunch', 'navigateBack', 'showToast', 'navigateToMiniProgram'];
  for (const name of names) {
    wx[name] = (args) => {
      (calls[name] = calls[name] || []).push(args);
      const answer = behaviour[name] || defaults[name];
      if (answer) answer(args);
    };
  }
  return wx;
}

function createApp(globalData = {}) {
  return { globalData: Object.assign({ scene: null, from: '', webviewSrc: '' }, globalData) };
}

function freshRequire(relative) {
  const file = path.join(ROOT, relative);
  delete require.cache[require.resolve(file)];
  return require(file);
}

// Runs a page file and returns an instance of the page: its definition with `data`
// copied and a `setData` that merges like the real one.
function loadPage(relative, { wx, app }) {
  let definition = null;
  global.wx = wx;
  global.getApp = () => app;
  global.Page = (def) => { definition = def; };
  freshRequire(relative);
  const page = Object.assign({}, definition);
  page.data = JSON.parse(JSON.stringify(definition.data || {}));
  page.setData = function setData(patch) { Object.assign(this.data, patch); };
  return page;
}

// Runs app.js and returns the app instance (its definition, globalData copied).
function loadApp({ wx } = {}) {
  let definition = null;
  global.wx = wx || createWx();
  global.App = (def) => { definition = def; };
  freshRequire('app.js');
  const app = Object.assign({}, definition);
  app.globalData = JSON.parse(JSON.stringify(definition.globalData || {}));
  return app;
}

function cleanup() {
  delete global.wx;
  delete global.getApp;
  delete global.Page;
  delete global.App;
}

module.exports = { ROOT, cleanup, createApp, createWx, freshRequire, loadApp, loadPage };
