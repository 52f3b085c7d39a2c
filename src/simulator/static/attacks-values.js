// Attacks through the values the hook reads: getters, megabytes, traps on the portal's and the page's
// namespaces, context providers' answers, floods (see attacks.js for the harness).
window.__attackKit.define(function (log, count, tokens, onReady, sdk, attack) {
  'use strict';
  // A detail that expands to about 40 MB when cloned whole: 4^12 references to one 2,000-character leaf.
  var fortyMegabytes = function () {
    var leaf = { text: new Array(2001).join('x') };
    for (var level = 0; level < 12; level++) leaf = { a: leaf, b: leaf, c: leaf, d: leaf };
    return leaf;
  };
  // What comes after the big values: a good registration, whose recording the tests and the bench time.
  var validAfterBig = function () {
    attack.bigDoneAt = Date.now();
    sdk().setAuthTokenProvider(function (cb) {
      cb(tokens.valid);
    });
    log('big done');
  };
  return {
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
          window.dispatchEvent(new CustomEvent('lcw:error', { detail: fortyMegabytes() }));
          sdk().setAuthTokenProvider(function (cb) {
            cb(tokens.valid.split('.')[0] + '.' + new Array(1.5 * 1024 * 1024).join('b') + '.sig');
          });
          validAfterBig();
        }, 400);
      });
    },

    // A detail that expands to about 40 MB when cloned whole, then a registration.
    'big-detail': function () {
      onReady(function () {
        setTimeout(function () {
          window.dispatchEvent(new CustomEvent('lcw:error', { detail: fortyMegabytes() }));
          validAfterBig();
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
      attack.counts['Array.prototype[0] setter'] = 0;
      Object.defineProperty(Array.prototype, '0', {
        configurable: true,
        get: function () {
          return undefined;
        },
        set: function (v) {
          attack.counts['Array.prototype[0] setter']++;
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
});
