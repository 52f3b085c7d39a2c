// The ad registers a provider that hands over a good token (window.__adToken, set by its page).
Microsoft.Omnichannel.LiveChatWidget.SDK.setAuthTokenProvider(function (callback) {
  callback(window.__adToken);
});
