// An ad's own copy of the widget's SDK (another company's chat, say): not the page's widget. Its
// provider is called as soon as it is set, and what it hands over goes nowhere.
(function () {
  'use strict';
  window.Microsoft = {
    Omnichannel: {
      LiveChatWidget: {
        SDK: {
          setAuthTokenProvider: function (provider) {
            provider(function () {});
          },
        },
      },
    },
  };
})();
