// Attacks on the hook itself: its port, the built-ins it calls, its clock, forged events, requests naming
// built-ins (see attacks.js for the harness).
window.__attackKit.define(function (log, count, tokens, onReady, sdk, attack) {
  'use strict';
  return {
    // The hook's private port: whatever calls postMessage, close or start on a port the page did
    // not make is the extension's.
    'port-theft': function () {
      var own = [];
      var RealChannel = window.MessageChannel;
      window.MessageChannel = function () {
        var c = new RealChannel();
        own.push(c.port1, c.port2);
        return c;
      };
      ['postMessage', 'close', 'start'].forEach(function (key) {
        var original = MessagePort.prototype[key];
        MessagePort.prototype[key] = function (message) {
          if (own.indexOf(this) < 0) {
            attack.stolen.push(key);
            // With the port in hand: forge an invocation and a widget error, replay, then close it.
            try {
              original.call(this, { k: 'inv', at: Date.now(), id: 999, route: 'sdk' });
              original.call(this, { k: 'evt', at: Date.now(), type: 'lcw:error', detail: { errorCode: 2 } });
              original.call(this, message);
              original.call(this, message);
              this.close();
            } catch {
              /* keep going */
            }
          }
          return original.apply(this, arguments);
        };
      });
      var onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
      Object.defineProperty(MessagePort.prototype, 'onmessage', {
        configurable: true,
        get: onmessage.get,
        set: function (v) {
          if (own.indexOf(this) < 0) attack.stolen.push('onmessage');
          onmessage.set.call(this, v);
        },
      });
    },

    // Everything the hook could call at run time, replaced or counted; and the handler lookups a
    // Proxy makes on Object.prototype.
    'patched-builtins': function () {
      var RealProxy = window.Proxy;
      window.Proxy = function (target, handler) {
        attack.stolen.push('a Proxy handler: ' + Object.keys(handler).join());
        return new RealProxy(target, handler);
      };
      // Not `get`, `set` or `value`: with those on Object.prototype no page could define a property at all.
      ['has', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'ownKeys', 'isExtensible', 'construct'].forEach(
        function (k) {
          Object.defineProperty(Object.prototype, k, {
            configurable: true,
            get: function () {
              if (this && this !== Object.prototype && typeof this === 'object' && !Array.isArray(this))
                attack.stolen.push('looked up Object.prototype.' + k);
              return undefined;
            },
          });
        },
      );
      // Setters on Object.prototype catch any assignment to a property an object does not have.
      ['s', 'err', 'detail', 'o', 'p', 'h', 'apply'].forEach(function (k) {
        Object.defineProperty(Object.prototype, k, {
          configurable: true,
          set: function () {
            attack.stolen.push('assigned .' + k + ' through Object.prototype');
          },
        });
      });
      count(Reflect, 'apply', 'Reflect.apply');
      count(Reflect, 'defineProperty', 'Reflect.defineProperty');
      count(Reflect, 'getOwnPropertyDescriptor', 'Reflect.getOwnPropertyDescriptor');
      count(Reflect, 'getPrototypeOf', 'Reflect.getPrototypeOf');
      count(Reflect, 'ownKeys', 'Reflect.ownKeys');
      count(Object, 'keys', 'Object.keys');
      count(Object, 'hasOwn', 'Object.hasOwn');
      count(Object, 'create', 'Object.create');
      count(WeakMap.prototype, 'get', 'WeakMap.get');
      count(WeakMap.prototype, 'set', 'WeakMap.set');
      count(WeakMap.prototype, 'has', 'WeakMap.has');
      count(Array.prototype, 'slice', 'Array.slice');
      count(Array.prototype, 'push', 'Array.push');
      count(Array.prototype, Symbol.iterator, 'Array iterator');
      count(String.prototype, 'split', 'String.split');
      count(String.prototype, 'slice', 'String.slice');
      count(String.prototype, 'indexOf', 'String.indexOf');
      count(String.prototype, 'trim', 'String.trim');
      count(RegExp.prototype, 'test', 'RegExp.test');
      count(RegExp.prototype, 'exec', 'RegExp.exec');
      count(JSON, 'stringify', 'JSON.stringify');
      count(Function.prototype, 'toString', 'Function.toString');
      count(Function.prototype, 'bind', 'Function.bind');
      count(Promise.prototype, 'then', 'Promise.then');
      count(Document.prototype, 'getElementById', 'getElementById');
      count(window, 'postMessage', 'window.postMessage');
      count(performance, 'now', 'performance.now');
      count(Math, 'imul', 'Math.imul');
      count(window, 'String', 'String()');
      // V8 calls this to format any stack: the extension must never make it run.
      Error.prepareStackTrace = function (e, frames) {
        var files = frames.map(function (f) {
          return f.getFileName() || '';
        });
        // A stack through the extension's wrappers names its script: seen by the page (documented).
        if (/-extension:\/\//.test(files.join(' '))) attack.framesSeen = (attack.framesSeen || 0) + 1;
        return 'stack ' + files.join(' ');
      };
      // Reflection on what the extension hands the page (its wrapped methods, the callback): each
      // looks a trap up on the Proxy's handler.
      onReady(function () {
        setTimeout(function () {
          var method = sdk().setAuthTokenProvider;
          sdk().setAuthTokenProvider(function (cb) {
            [cb, method].forEach(function (f) {
              Object.getPrototypeOf(f);
              Object.getOwnPropertyDescriptor(f, 'length');
              Object.isExtensible(f);
              log('reflected: ' + ('name' in f) + ' ' + Reflect.ownKeys(f).length);
            });
            cb(tokens.valid);
          });
          log('reflection done');
        }, 400);
      });
    },

    // A clock the page broke: every time in the record must still be now, and the token still valid.
    clock: function () {
      var tenYearsAgo = Date.now() - 10 * 365 * 86400e3;
      Object.defineProperty(Performance.prototype, 'timeOrigin', {
        configurable: true,
        get: function () {
          return tenYearsAgo;
        },
      });
      Performance.prototype.now = function () {
        return NaN;
      };
    },

    // Events the page makes up: a token request with no sender, an unhandled rejection of a
    // promise that resolved, a widget error.
    'forged-events': function () {
      onReady(function () {
        setTimeout(function () {
          var promise;
          sdk().setAuthTokenProvider(function (cb) {
            promise = Promise.resolve().then(function () {
              cb(tokens.valid);
            });
            return promise;
          });
          window.dispatchEvent(
            new MessageEvent('message', {
              data: { messageName: 'authTokenRequest', functionFullName: 'auth.forged' },
              source: null,
            }),
          );
          window.dispatchEvent(
            new MessageEvent('message', {
              data: { messageName: 'authTokenRequest', functionFullName: 'auth.forged2' },
              source: window,
            }),
          );
          window.dispatchEvent(
            new PromiseRejectionEvent('unhandledrejection', { promise: promise, reason: new Error('forged') }),
          );
          log('forged');
        }, 400);
      });
    },

    // Requests for a token naming built-ins, from a frame that is not the widget's and from the
    // widget's own; and a client function the page made read-only.
    'builtin-request': function () {
      var push = Array.prototype.push;
      var pushSource = Function.prototype.toString.call(push);
      window.siteAuth = {};
      Object.defineProperty(window.siteAuth, 'locked', {
        value: function (cb) {
          cb(tokens.valid);
        },
        writable: false,
        enumerable: true,
        configurable: false,
      });
      var frame = document.createElement('iframe');
      frame.src = location.origin.replace('127.0.0.1', 'localhost') + '/widget-frame.html?fn=Array.prototype.push';
      document.documentElement.appendChild(frame);
      window.addEventListener('message', function (e) {
        if (e.data && e.data.messageName === 'authTokenRequest') log('request for ' + e.data.functionFullName);
      });
      setTimeout(function () {
        var started = performance.now();
        var list = [];
        for (var i = 0; i < 20000; i++) list.push(i);
        attack.pushMs = performance.now() - started;
        log('push is the same function: ' + (Array.prototype.push === push));
        log('push source unchanged: ' + (Function.prototype.toString.call(Array.prototype.push) === pushSource));
        log(
          "locked is still the page's: " +
            (Object.getOwnPropertyDescriptor(window.siteAuth, 'locked').writable === false),
        );
      }, 1500);
    },
  };
});
