/*
 * The MPR callback gateway's browser client. No dependencies.
 *
 *   const callbacks = MprCallback.connect();            // or MprCallback.connect({ base: "https://gw.example.com" })
 *   callbacks.onRegistered(({ clientId, callbackUrl }) => sendToYourBackend(callbackUrl));
 *   callbacks.onNotification((data, notification) => show(data));
 *
 * It opens <base>/callback/ws, keeps the clientId it is given in localStorage and reconnects with it after
 * a drop (exponential backoff with jitter, 0.5 s up to 30 s), acknowledges each notification after the
 * callbacks ran, and ignores a notification it has already seen (redelivery after a reconnect).
 * A socket closed with code 4001 was replaced by a newer one for the same clientId (another tab): it
 * does not reconnect. The socket is closed on "pagehide" and reopened on "pageshow" from the
 * back/forward cache, so a page that is left stops holding the live session at once.
 *
 * With browser authentication on the gateway, give the token (or a function that returns it, or a
 * promise of it, called for every connection): MprCallback.connect({ token: () => fetchToken() }). It is
 * sent as the WebSocket subprotocol "mpr-token.<token>" (browsers cannot set headers on a WebSocket).
 *
 * Web Push (when the gateway has VAPID keys): callbacks.enableWebPush({ serviceWorker: "/sw.js" })
 * registers the page's service worker, subscribes with the gateway's public key and sends the
 * subscription to the gateway, bound to this clientId; it resolves to the subscription.
 * callbacks.disableWebPush() unsubscribes. A notification stored while the browser is away then wakes the
 * user through the push service; the notification itself still arrives over the socket when the page is
 * back. The service worker can be the gateway's: importScripts("<base>/callback/sw.js").
 * MprCallback.webPushAvailable is true when the gateway has VAPID keys and the browser has the Push API.
 */
(function (global) {
  "use strict";
  var scriptSrc = global.document && global.document.currentScript && global.document.currentScript.src;
  // filled in by the gateway when it serves this file: its VAPID public key, or "" when Web Push is off
  var vapidPublicKey = "@VAPID_PUBLIC_KEY@";

  function connect(options) {
    options = options || {};
    var base = options.base || (scriptSrc ? new URL(scriptSrc).origin : global.location.origin);
    var storageKey = options.storageKey || "mprCallbackClientId";
    var wsBase = base.replace(/^http/, "ws") + "/callback/ws";
    var notificationListeners = [];
    var registeredListeners = [];
    var seen = [];
    var attempt = 0;
    var socket = null;
    var closedByUser = false;
    var timer = null;
    var client = {
      clientId: load(),
      callbackUrl: null,
      onNotification: function (fn) { notificationListeners.push(fn); return client; },
      onRegistered: function (fn) {
        registeredListeners.push(fn);
        if (client.callbackUrl) { fn({ clientId: client.clientId, callbackUrl: client.callbackUrl }); }
        return client;
      },
      close: function () { closedByUser = true; clearTimeout(timer); if (socket) { socket.close(1000); } },
      enableWebPush: function (opts) { return enableWebPush(opts || {}); },
      disableWebPush: function () { return disableWebPush(); }
    };
    var pushWaiters = [];

    function load() { try { return global.localStorage.getItem(storageKey); } catch (e) { return null; } }
    function save(id) { try { global.localStorage.setItem(storageKey, id); } catch (e) { /* private mode */ } }

    function open() {
      if (options.token === undefined) { openWith(null); return; }
      Promise.resolve(typeof options.token === "function" ? options.token() : options.token).then(openWith,
        function () { retry(); });
    }

    function retry() {
      var delay = Math.min(30000, 500 * Math.pow(2, attempt++));
      timer = setTimeout(open, delay / 2 + Math.random() * delay / 2);
    }

    function openWith(token) {
      if (closedByUser) { return; }
      var url = wsBase + (client.clientId ? "?clientId=" + encodeURIComponent(client.clientId) : "");
      var ws = token ? new WebSocket(url, ["mpr-callback", "mpr-token." + token]) : new WebSocket(url);
      socket = ws;
      ws.onmessage = function (event) {
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        if (frame.type === "registered") {
          attempt = 0;
          client.clientId = frame.clientId;
          client.callbackUrl = frame.callbackUrl;
          save(frame.clientId);
          registeredListeners.forEach(function (fn) { call(fn, { clientId: frame.clientId, callbackUrl: frame.callbackUrl }); });
        } else if (frame.type === "notification") {
          if (seen.indexOf(frame.id) < 0) {
            seen.push(frame.id);
            if (seen.length > 1000) { seen.shift(); }
            notificationListeners.forEach(function (fn) { call(fn, frame.data, frame); });
          }
          if (ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify({ type: "ack", ids: [frame.id] })); }
        } else if (frame.type === "webpush" || frame.type === "error") {
          var waiter = pushWaiters.shift();
          if (waiter) { waiter(frame); }
        }
      };
      ws.onclose = function (event) {
        if (socket !== ws || closedByUser || event.code === 4001) { return; }
        retry();
      };
    }

    function sendSubscription(subscription) {
      return new Promise(function (resolve, reject) {
        if (!socket || socket.readyState !== WebSocket.OPEN || !client.callbackUrl) {
          reject(new Error("not connected")); return;
        }
        pushWaiters.push(function (frame) {
          if (frame.type === "webpush") { resolve(subscription); } else { reject(new Error(frame.message)); }
        });
        socket.send(JSON.stringify({ type: "webpush", subscription: subscription ? subscription.toJSON() : null }));
      });
    }

    function whenRegistered() {
      return new Promise(function (resolve) {
        if (client.callbackUrl && socket && socket.readyState === WebSocket.OPEN) { resolve(); return; }
        registeredListeners.push(function once() {
          registeredListeners.splice(registeredListeners.indexOf(once), 1);
          resolve();
        });
      });
    }

    function enableWebPush(opts) {
      if (!vapidPublicKey) { return Promise.reject(new Error("Web Push is off on the gateway")); }
      if (!global.navigator || !global.navigator.serviceWorker || !global.PushManager) {
        return Promise.reject(new Error("this browser has no Push API"));
      }
      return global.navigator.serviceWorker.register(opts.serviceWorker || "/sw.js", opts.scope ? { scope: opts.scope } : undefined)
        .then(function () { return global.navigator.serviceWorker.ready; })
        .then(function (registration) {
          return registration.pushManager.getSubscription().then(function (existing) {
            return existing || registration.pushManager.subscribe({ userVisibleOnly: true,
              applicationServerKey: base64UrlToBytes(vapidPublicKey) });
          });
        })
        .then(function (subscription) { return whenRegistered().then(function () { return sendSubscription(subscription); }); });
    }

    function disableWebPush() {
      if (!global.navigator || !global.navigator.serviceWorker) { return Promise.resolve(false); }
      return global.navigator.serviceWorker.ready
        .then(function (registration) { return registration.pushManager.getSubscription(); })
        .then(function (subscription) { return subscription ? subscription.unsubscribe() : false; })
        .then(function () { return sendSubscription(null); })
        .then(function () { return true; });
    }

    function base64UrlToBytes(text) {
      var b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
      var raw = global.atob(b64);
      var out = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
      return out;
    }

    function call(fn, a, b) {
      try { fn(a, b); } catch (e) { if (global.console) { global.console.error(e); } }
    }

    // leave cleanly when the page goes away (or into the back/forward cache), come back when it returns
    if (global.addEventListener) {
      global.addEventListener("pagehide", function () {
        clearTimeout(timer);
        if (socket && !closedByUser) { var s = socket; socket = null; s.close(1000, "page hidden"); }
      });
      global.addEventListener("pageshow", function (event) {
        if (event.persisted && !closedByUser && socket === null) { attempt = 0; open(); }
      });
    }

    open();
    return client;
  }

  global.MprCallback = {
    connect: connect,
    webPushAvailable: !!vapidPublicKey && !!global.navigator && !!global.navigator.serviceWorker && !!global.PushManager
  };
})(typeof window !== "undefined" ? window : this);
