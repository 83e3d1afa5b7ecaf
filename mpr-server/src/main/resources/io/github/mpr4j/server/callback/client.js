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
 */
(function (global) {
  "use strict";
  var scriptSrc = global.document && global.document.currentScript && global.document.currentScript.src;

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
      close: function () { closedByUser = true; clearTimeout(timer); if (socket) { socket.close(1000); } }
    };

    function load() { try { return global.localStorage.getItem(storageKey); } catch (e) { return null; } }
    function save(id) { try { global.localStorage.setItem(storageKey, id); } catch (e) { /* private mode */ } }

    function open() {
      var url = wsBase + (client.clientId ? "?clientId=" + encodeURIComponent(client.clientId) : "");
      var ws = new WebSocket(url);
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
        }
      };
      ws.onclose = function (event) {
        if (socket !== ws || closedByUser || event.code === 4001) { return; }
        var delay = Math.min(30000, 500 * Math.pow(2, attempt++));
        timer = setTimeout(open, delay / 2 + Math.random() * delay / 2);
      };
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

  global.MprCallback = { connect: connect };
})(typeof window !== "undefined" ? window : this);
