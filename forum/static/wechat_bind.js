/*
 * Binding WeChat to a password account, inside the mini-program's web-view.
 *
 * A web page cannot log in with WeChat itself: the host mini-program does. So the
 * 绑定微信 form (form[data-wechat-bind="<host page>"]) first records the wish on the
 * server (its ordinary POST, CSRF token included), then asks the host to open its
 * login page with bind=1 (wx.miniProgram.navigateTo); the host comes back to
 * /auth/ticket?…&bind=1, which binds instead of logging in. A link with
 * data-miniprogram-navigate="<host page>" opens that page when tapped.
 *
 * Without the bridge (a plain browser, or the JSSDK not loaded yet) the form posts
 * as usual and the server's page explains what to do.
 */
(function () {
  'use strict';

  function miniProgram() {
    return window.wx && window.wx.miniProgram ? window.wx.miniProgram : null;
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches('form[data-wechat-bind]')) return;
    var bridge = miniProgram();
    if (!bridge || typeof window.fetch !== 'function') return; // post the form as usual
    event.preventDefault();
    var button = form.querySelector('button');
    if (button) button.disabled = true;
    window.fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      body: new FormData(form)
    }).then(function (response) {
      if (!response.ok) throw new Error('bind request refused: ' + response.status);
      bridge.navigateTo({
        url: form.getAttribute('data-wechat-bind'),
        fail: function () { form.submit(); }
      });
    }).catch(function () {
      form.submit();
    }).finally(function () {
      if (button) button.disabled = false;
    });
  });

  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest
      ? event.target.closest('[data-miniprogram-navigate]') : null;
    var bridge = miniProgram();
    if (!link || !bridge) return;
    event.preventDefault();
    bridge.navigateTo({ url: link.getAttribute('data-miniprogram-navigate') });
  });
})();
