// Hostile page code, one attack per page (?attack=NAME), run as the page's first script: before
// the widget, after the extension's hook. Each attack writes what it saw into window.__attack
// (`log`: lines that must read the same with and without the extension; `stolen`: anything it
// got hold of that belongs to the extension). Written the way an attacker would, against the
// hook's published design (docs/architecture.md), not against its tests.
(function () {
  'use strict';
  var name = document.currentScript.getAttribute('data-attack');
  var attack = (window.__attack = { name: name, log: [], stolen: [] });
  var log = function (line) {
    attack.log.push(line);
  };
  // Anything the extension throws from a listener lands here.
  window.addEventListener('error', function (e) {
    log('uncaught: ' + e.message);
  });
  // The namespace, probed before any widget code ran: it must read as the page's own.
  log("'Microsoft' in window: " + ('Microsoft' in window));
  log('keys list it: ' + (Object.keys(window).indexOf('Microsoft') >= 0));
  try {
    log('bare Microsoft: ' + typeof Microsoft.Omnichannel);
  } catch (e) {
    log('bare Microsoft threw ' + e.name);
  }
  var tokens = window.__tokens;
  var onReady = function (fn) {
    window.addEventListener('lcw:ready', fn);
  };
  var sdk = function () {
    return Microsoft.Omnichannel.LiveChatWidget.SDK;
  };

  // Counts calls to a built-in by wrapping it in place, and notes any call made from an
  // extension's script (its frames name chrome-extension:// or moz-extension://). The counts with
  // and without the extension must be equal (but for what the test harness itself calls).
  var counts = (attack.counts = {});
  var RealError = Error;
  var checking = false;
  function count(owner, key, label) {
    var original = owner[key];
    if (typeof original !== 'function') return;
    counts[label] = 0;
    owner[key] = function () {
      // The check itself uses counted built-ins: it must neither count nor recurse.
      if (!checking) {
        checking = true;
        counts[label]++;
        // The caller's frame: V8 via prepareStackTrace below ("stack <file> <file>..."), Gecko line by line.
        var stack = new RealError().stack;
        var caller = stack.indexOf('stack ') === 0 ? stack.split(' ')[2] : stack.split('\n')[1];
        if (/-extension:\/\//.test(caller || '')) attack.stolen.push('the extension called ' + label);
        checking = false;
      }
      return original.apply(this, arguments);
    };
  }

  var attacks = {
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

    // Thrown and handed values whose getters would tell the page someone read them.
    getters: function () {
      var read = function (what) {
        return function () {
          log('getter ran: ' + what);
          return what;
        };
      };
      onReady(function () {
        setTimeout(function () {
          var thrown = new Error('x');
          Object.defineProperty(thrown, 'message', { get: read('thrown.message') });
          Object.defineProperty(thrown, 'name', { get: read('thrown.name') });
          Object.defineProperty(thrown, 'stack', { get: read('thrown.stack') });
          try {
            sdk().setAuthTokenProvider(function () {
              throw thrown;
            });
          } catch (e) {
            log('caught ' + (e === thrown));
          }
          var plain = { toString: read('thrown.toString') };
          Object.defineProperty(plain, 'message', { get: read('plain.message'), enumerable: true });
          try {
            sdk().setAuthTokenProvider(function () {
              throw plain;
            });
          } catch (e) {
            log('caught plain ' + (e === plain));
          }
          var handed = { toJSON: read('handed.toJSON') };
          Object.defineProperty(handed, 'token', { get: read('handed.token'), enumerable: true });
          try {
            sdk().setAuthTokenProvider(function (cb) {
              cb(handed);
            });
          } catch (e) {
            // The v1 host posts what was handed to its iframe: an object with a function cannot be cloned.
            log('handing an object threw ' + e.name);
          }
          var detail = { errorCode: 4 };
          Object.defineProperty(detail, 'errorDescription', { get: read('detail.errorDescription'), enumerable: true });
          detail[Symbol('hidden')] = 'symbol-keyed';
          window.dispatchEvent(new CustomEvent('lcw:error', { detail: detail }));
          var rejected = new Error('rejected');
          Object.defineProperty(rejected, 'message', { get: read('rejection.message') });
          try {
            sdk().setAuthTokenProvider(function () {
              return Promise.reject(rejected);
            });
          } catch (e) {
            // No callback: the v1 host posts its one shared field again, which still holds that object.
            log('the next registration posted it again: ' + e.name);
          }
          // Proxies: every trap is the page's code, so these only must not break anything.
          var revocable = Proxy.revocable({}, {});
          revocable.revoke();
          window.dispatchEvent(new CustomEvent('lcw:error', { detail: revocable.proxy }));
          window.dispatchEvent(
            new CustomEvent('lcw:error', {
              detail: new Proxy(
                { errorCode: 3 },
                {
                  get: function () {
                    throw new Error('trap');
                  },
                },
              ),
            }),
          );
          log('done');
        }, 400);
      });
    },

    // Values too big to keep: twelve 1 MB tokens, a detail that expands to about 40 MB, a token
    // over 1 MiB. What comes after must still be recorded, within a second.
    big: function () {
      onReady(function () {
        setTimeout(function () {
          var mb = new Array(1000 * 1000 + 1).join('a');
          var n = 0;
          var huge = function (cb) {
            cb(n++ < 12 ? mb + n : tokens.valid);
          };
          for (var i = 0; i < 12; i++) sdk().setAuthTokenProvider(huge);
          var leaf = { text: new Array(2001).join('x') };
          for (var level = 0; level < 12; level++) leaf = { a: leaf, b: leaf, c: leaf, d: leaf };
          window.dispatchEvent(new CustomEvent('lcw:error', { detail: leaf }));
          sdk().setAuthTokenProvider(function (cb) {
            cb(tokens.valid.split('.')[0] + '.' + new Array(1.5 * 1024 * 1024).join('b') + '.sig');
          });
          attack.bigDoneAt = Date.now();
          sdk().setAuthTokenProvider(function (cb) {
            cb(tokens.valid);
          });
          log('big done');
        }, 400);
      });
    },

    // A detail that expands to about 40 MB when cloned whole, then a registration.
    'big-detail': function () {
      onReady(function () {
        setTimeout(function () {
          var leaf = { text: new Array(2001).join('x') };
          for (var level = 0; level < 12; level++) leaf = { a: leaf, b: leaf, c: leaf, d: leaf };
          window.dispatchEvent(new CustomEvent('lcw:error', { detail: leaf }));
          attack.bigDoneAt = Date.now();
          sdk().setAuthTokenProvider(function (cb) {
            cb(tokens.valid);
          });
          log('big done');
        }, 400);
      });
    },

    // The portal's namespace behind a getter, then (when the widget asks the page for a token) a
    // namespace whose every trap throws: the hook must neither run the getter nor break.
    'portal-traps': function () {
      window.Microsoft = {};
      Object.defineProperty(window.Microsoft, 'Dynamic365', {
        configurable: true,
        enumerable: true,
        get: function () {
          log('getter ran: Dynamic365');
          return { Portal: {} };
        },
      });
      onReady(function () {
        var ns = window.Microsoft;
        var fail = function () {
          throw new Error('trap');
        };
        window.Microsoft = new Proxy(ns, { getOwnPropertyDescriptor: fail, getPrototypeOf: fail, has: fail });
        setTimeout(function () {
          window.Microsoft = ns;
          log('namespace restored');
        }, 300);
      });
    },

    // Where the hook lists the functions beside a missing client function ("did you mean"): an index
    // setter on Array.prototype (counted: the page's own arrays trip it alike in both runs), a getter
    // among the owner's properties, then an owner whose traps throw.
    'near-traps': function () {
      counts['Array.prototype[0] setter'] = 0;
      Object.defineProperty(Array.prototype, '0', {
        configurable: true,
        get: function () {
          return undefined;
        },
        set: function (v) {
          counts['Array.prototype[0] setter']++;
          Object.defineProperty(this, '0', { value: v, writable: true, enumerable: true, configurable: true });
        },
      });
      window.auth = { getAuthenticationTokn: function () {} };
      Object.defineProperty(window.auth, 'missingFunctio', {
        enumerable: true,
        get: function () {
          log('getter ran: missingFunctio');
          return function () {};
        },
      });
      window.addEventListener(
        'lcw:error',
        function () {
          var fail = function () {
            throw new Error('trap');
          };
          window.auth = new Proxy({}, { ownKeys: fail, getOwnPropertyDescriptor: fail, get: fail });
          // The widget asks again, now of an owner whose every trap throws.
          var frame = document.getElementById('Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window');
          frame.contentWindow.postMessage({ messageName: 'ask-again' }, '*');
          setTimeout(function () {
            log('asked again');
          }, 300);
        },
        { once: true },
      );
    },

    // A context provider whose answer has getters and a Proxy: read without running either.
    'context-getters': function () {
      onReady(function () {
        var answer = { region: 'EU' };
        Object.defineProperty(answer, 'secret', {
          enumerable: true,
          get: function () {
            log('getter ran: secret');
            return 'x';
          },
        });
        answer.nested = new Proxy(
          {},
          {
            ownKeys: function () {
              throw new Error('trap');
            },
          },
        );
        var provider = function () {
          return answer;
        };
        sdk().setContextProvider(provider);
        log("getContextProvider is the page's own: " + (sdk().getContextProvider() === provider));
        setTimeout(function () {
          log('done');
        }, 300);
      });
    },

    // Tens of thousands of invocations in a burst, then one more registration.
    flood: function () {
      onReady(function () {
        setTimeout(function () {
          // A provider that throws, registered again and again: its exception comes straight back and
          // nothing is posted to the widget's frame, so the flood stays in this frame's hook and relay.
          var throwing = function () {
            throw new Error('flood');
          };
          for (var i = 0; i < 30000; i++) {
            try {
              sdk().setAuthTokenProvider(throwing);
            } catch {
              // the page's own catch: the registration failed, as it does on the real v1 widget
            }
          }
          setTimeout(function () {
            sdk().setAuthTokenProvider(function (cb) {
              cb(tokens.valid);
            });
            attack.lastAt = Date.now();
            log('flood done');
          }, 1500);
        }, 400);
      });
    },
  };

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
  if (name && name.indexOf('ns-') === 0) {
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
  }

  (attacks[name] || function () {})();
})();
