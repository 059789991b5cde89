/** The widget's stylesheet, scoped by its shadow root: the host page's CSS does not reach in, ours does not leak out. */
export const WIDGET_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2933; }
button { font: inherit; cursor: pointer; }
.launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; background: var(--md-accent); color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex; align-items: center; justify-content: center; position: relative; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.badge { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; border-radius: 10px; background: #d64545; color: #fff; font-size: 12px; line-height: 20px; text-align: center; padding: 0 5px; }
.panel { position: absolute; right: 0; bottom: 70px; width: 360px; max-width: calc(100vw - 40px); height: 520px; max-height: calc(100vh - 110px); background: #fff; border-radius: 12px; box-shadow: 0 10px 40px rgba(0,0,0,.25); display: flex; flex-direction: column; overflow: hidden; }
.panel[hidden], [hidden] { display: none !important; }
.head { background: var(--md-accent); color: #fff; padding: 12px 14px; display: flex; align-items: center; gap: 8px; }
.head .titles { flex: 1; min-width: 0; }
.head .title { font-weight: 600; font-size: 15px; }
.head .status { font-size: 12px; opacity: .9; }
.head button { background: transparent; border: 0; color: #fff; font-size: 20px; line-height: 1; padding: 4px 6px; }
.notice { background: #fff8e1; color: #6b4f00; padding: 8px 12px; font-size: 13px; border-bottom: 1px solid #f0e0a8; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f7f9fb; }
.msg { max-width: 82%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; overflow-wrap: anywhere; }
.msg .who { display: block; font-size: 11px; opacity: .7; margin-bottom: 2px; }
.msg[data-author="member"] { align-self: flex-end; background: var(--md-accent); color: #fff; border-bottom-right-radius: 4px; }
.msg[data-author="agent"] { align-self: flex-start; background: #fff; border: 1px solid #e4e7eb; border-bottom-left-radius: 4px; }
.msg[data-author="system"] { align-self: center; background: transparent; color: #52606d; font-size: 12px; text-align: center; }
.msg .state { display: block; font-size: 11px; opacity: .8; margin-top: 2px; }
.msg.failed { opacity: .75; cursor: pointer; }
.survey { display: flex; justify-content: center; gap: 4px; margin-top: 6px; }
.survey .star { font-size: 22px; line-height: 1; padding: 4px 6px; border: 0; background: transparent; color: #cbd2d9; cursor: pointer; border-radius: 6px; }
.survey .star:hover, .survey .star:focus-visible, .survey:has(.star:hover) .star:has(~ .star:hover) { color: #f5a623; }
.survey .star:focus-visible { outline: 2px solid var(--md-accent); }
.typing { padding: 2px 14px 6px; font-size: 12px; color: #52606d; background: #f7f9fb; }
.prechat, .transcript-form { padding: 14px; display: flex; flex-direction: column; gap: 8px; border-bottom: 1px solid #e4e7eb; }
.prechat p { margin: 0; color: #52606d; font-size: 13px; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: #52606d; }
input, textarea { font: inherit; color: inherit; border: 1px solid #cbd2d9; border-radius: 8px; padding: 7px 9px; width: 100%; background: #fff; }
input:focus, textarea:focus { outline: 2px solid var(--md-accent); outline-offset: -1px; }
.row { display: flex; gap: 8px; justify-content: flex-end; }
.primary { background: var(--md-accent); color: #fff; border: 0; border-radius: 8px; padding: 7px 14px; }
.secondary { background: transparent; color: #3e4c59; border: 1px solid #cbd2d9; border-radius: 8px; padding: 7px 14px; }
.compose { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e4e7eb; align-items: flex-end; }
.compose textarea { resize: none; height: 42px; max-height: 120px; }
.foot { padding: 6px 12px 10px; text-align: center; }
.link { background: none; border: 0; color: var(--md-accent); font-size: 12px; padding: 0; text-decoration: underline; }
.error { color: #c81e1e; font-size: 12px; }
@media (max-width: 480px) { .panel { position: fixed; right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100vh; max-height: 100vh; border-radius: 0; } .launcher[aria-expanded="true"] { display: none; } }
`;
