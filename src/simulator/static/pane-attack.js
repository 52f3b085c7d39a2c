// A frame at the widget's path whose page makes the pane reader work (?kind=): 'nodes', 200,000
// text nodes and a text changed every tick; 'text', one 50 MB text node, changed every tick;
// 'flood', 10,000 panes with distinct texts at once; 'late', 200,000 nodes, then one real pane.
// window.__ticks counts a 10 ms timer's runs during window.__run(ms): what the page kept of its time.
(function () {
  'use strict';
  var kind = new URLSearchParams(location.search).get('kind') || 'nodes';
  var body = document.body;
  var changing = document.createElement('p');
  changing.textContent = 'tick 0';
  body.append(changing);
  var pane = function (text) {
    var div = document.createElement('div');
    var title = document.createElement('h2');
    title.textContent = 'Chat authentication has failed.';
    var p = document.createElement('p');
    p.textContent = text;
    div.append(title, p);
    return div;
  };
  var manyNodes = function () {
    var box = document.createElement('div');
    // Hidden, as the 50 MB text: the page's own layout would drown what the reader costs.
    box.hidden = true;
    for (var i = 0; i < 200000; i++) box.append(document.createTextNode('node ' + i + ' '));
    body.append(box);
  };
  if (kind === 'nodes' || kind === 'late') manyNodes();
  if (kind === 'text') {
    // Hidden: the browser need not lay out 50 MB of text, but the text is in the document all the same.
    var hidden = document.createElement('div');
    hidden.hidden = true;
    hidden.append(document.createTextNode('x'.repeat(50 * 1024 * 1024)));
    body.append(hidden);
  }
  if (kind === 'flood') {
    var all = document.createDocumentFragment();
    for (var k = 0; k < 10000; k++) all.append(pane('UNAUTHORIZED ' + k));
    body.append(all);
  }
  if (kind === 'late')
    setTimeout(function () {
      body.append(pane('AUTH SETUP ERROR'));
    }, 500);
  window.__ready = true;
  window.__run = function (ms) {
    return new Promise(function (resolve) {
      var ticks = 0;
      var timer = setInterval(function () {
        ticks++;
        changing.firstChild.nodeValue = 'tick ' + ticks;
      }, 10);
      setTimeout(function () {
        clearInterval(timer);
        resolve(ticks);
      }, ms);
    });
  };
})();
