/* Small page behaviours: toasts fade out, composer resets after posting. */
(function () {
  "use strict";
  var timer;
  document.addEventListener("htmx:afterSwap", function (event) {
    var toast = document.getElementById("toast");
    if (event.detail.target === toast) {
      clearTimeout(timer);
      timer = setTimeout(function () { toast.innerHTML = ""; }, 3500);
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var toast = document.getElementById("toast");
    if (toast) {
      toast.innerHTML = '<div class="toast-msg" role="alert">网络不太好，请稍后再试</div>';
      clearTimeout(timer);
      timer = setTimeout(function () { toast.innerHTML = ""; }, 3500);
    }
  });
})();
