/**
 * Where the widget's own frame lives: one test for the relay (which reads its error panes only there)
 * and the engine (which counts a frame's words as the widget's only from there). A module of its own,
 * so the relay's bundle takes this and nothing else.
 */

/** Whether a path is the widget's own frame page on its CDN (`.../htmls/chat.html`, `chatv2.html` on v2). */
export const isWidgetFramePath = (path: string): boolean => /\/livechatwidget\/.*\/htmls\/chat(v2)?\.html$/i.test(path);
