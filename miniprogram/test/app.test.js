'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, cleanup, loadApp } = require('../testing/harness.js');

test.afterEach(cleanup);

test('the app records the launch scene and the from query', () => {
  const app = loadApp();

  app.onLaunch({ path: 'pages/share/share', scene: 1044, query: { path: '%2Fp%2F1', from: 'poster-2024' } });

  assert.equal(app.globalData.scene, 1044);
  assert.equal(app.globalData.from, 'poster-2024');
});

test('the app copes with a launch without scene or query', () => {
  const app = loadApp();

  app.onLaunch({});

  assert.equal(app.globalData.scene, null);
  assert.equal(app.globalData.from, '');
});

test('every page in app.json has its four files', () => {
  const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  assert.deepEqual(appJson.pages, [
    'pages/index/index',
    'pages/webview/webview',
    'pages/jump/jump',
    'pages/share/share',
  ]);
  for (const page of appJson.pages) {
    for (const ext of ['.js', '.json', '.wxml', '.wxss']) {
      assert.ok(fs.existsSync(path.join(ROOT, page + ext)), page + ext);
    }
    const pageJson = JSON.parse(fs.readFileSync(path.join(ROOT, page + '.json'), 'utf8'));
    assert.match(pageJson.navigationBarTitleText, /[\u4e00-\u9fff]/);
  }
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'));
  assert.equal(project.appid, 'wx0000000000000000');
  JSON.parse(fs.readFileSync(path.join(ROOT, 'sitemap.json'), 'utf8'));
});

test('the web-view page binds messages and the jump page has the buy button', () => {
  const webview = fs.readFileSync(path.join(ROOT, 'pages/webview/webview.wxml'), 'utf8');
  assert.match(webview, /<web-view[^>]*src="\{\{src\}\}"[^>]*bindmessage="onMessage"/);
  const jump = fs.readFileSync(path.join(ROOT, 'pages/jump/jump.wxml'), 'utf8');
  assert.match(jump, /bindtap="onBuy"[^>]*>去小程序购买</);
});
