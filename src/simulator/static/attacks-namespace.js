// The namespace in the shapes pages give it (ns-* attacks); loaded last of the attack scripts, it runs
// the attack the page names (see attacks.js).
(function (kit) {
  'use strict';
  var log = kit.log;
  var onReady = kit.onReady;

  // The namespace in the shapes pages give it, rebuilt as the widget is ready (before the site
  // registers its provider through it) around the same SDK object. What the page then observes of
  // it must be its own, and the widget must keep working.
  var shapes = {
    frozen: function (ns) {
      Object.freeze(ns.Omnichannel.LiveChatWidget);
      Object.freeze(ns.Omnichannel);
      Object.freeze(ns);
      try {
        ns.Omnichannel.LiveChatWidget.SDK = null;
        log('assigned to a frozen namespace');
      } catch (e) {
        log('a frozen namespace refused: ' + e.name);
      }
    },
    inherited: function (ns, real) {
      class Widget {
        get SDK() {
          return real;
        }
      }
      ns.Omnichannel.LiveChatWidget = new Widget();
    },
    prototype: function (ns, real) {
      ns.Omnichannel.LiveChatWidget = Object.create({ SDK: real });
    },
    getter: function (ns) {
      delete window.Microsoft;
      Object.defineProperty(window, 'Microsoft', {
        configurable: true,
        get: function () {
          return ns;
        },
      });
    },
    proxy: function (ns) {
      var fail = function () {
        throw new Error('trap');
      };
      window.Microsoft = new Proxy(ns, {
        has: fail,
        ownKeys: fail,
        getOwnPropertyDescriptor: fail,
        defineProperty: fail,
      });
    },
    // For a moment (one widget event long) the namespace is a revoked Proxy, or another origin's window.
    revoked: function (ns) {
      var r = Proxy.revocable({}, {});
      r.revoke();
      window.Microsoft = r.proxy;
      window.dispatchEvent(new CustomEvent('lcw:closeChat'));
      window.Microsoft = ns;
    },
    'cross-origin': function (ns) {
      window.Microsoft = document.getElementById('Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window').contentWindow;
      window.dispatchEvent(new CustomEvent('lcw:closeChat'));
      window.Microsoft = ns;
    },
  };
  kit.namespace = function (name) {
    if (name === 'ns-function') {
      window.Microsoft = function Microsoft() {};
    }
    onReady(function () {
      var ns = (window.__namespace = window.Microsoft);
      var shape = shapes[name.slice(3)];
      if (shape) shape(ns, ns.Omnichannel.LiveChatWidget.SDK);
      // A widget event with the namespace in its new shape: the hook looks at it again.
      window.dispatchEvent(new CustomEvent('lcw:chatRetrieved'));
      var d = Object.getOwnPropertyDescriptor(window, 'Microsoft');
      log('window.Microsoft: ' + (d ? Object.keys(d).join() : 'none') + ' ' + typeof window.Microsoft);
      try {
        log('SDK reads: ' + typeof Microsoft.Omnichannel.LiveChatWidget.SDK.setAuthTokenProvider);
      } catch (e) {
        log('SDK read threw ' + e.name);
      }
    });
  };
  kit.run();
})(window.__attackKit);
