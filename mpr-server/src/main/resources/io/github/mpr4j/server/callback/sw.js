/*
 * The MPR callback gateway's service worker: shows a notification for each Web Push message and, when it
 * is clicked, focuses a window of the page (or opens one). Serve it from your page's origin, or load it
 * from yours with importScripts("<gateway>/callback/sw.js").
 *
 * The push's payload (decrypted by the browser) is {"title", "body", "tag"}; the notification itself is
 * delivered over the gateway's socket when the page is back.
 */
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(data.title || "New notification", {
    body: data.body || "",
    tag: data.tag || "mpr-callback",
    data: { url: self.registration.scope }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || self.registration.scope;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if ("focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow ? self.clients.openWindow(url) : undefined;
  }));
});
