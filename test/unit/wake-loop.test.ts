import { expect } from 'chai';
import { createLogger } from '../../server/logger.js';
import { WakeLoop } from '../../server/wake-loop.js';
import { expectEventually } from '../helpers/expect-eventually.js';

/** A pass that stays open until the test releases it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => { open = r; });
  return { wait, open };
}

describe('WakeLoop', () => {
  const loops: WakeLoop[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));

  function loop(pass: () => Promise<number | null>, retryMs: number | null = null): WakeLoop {
    const l = new WakeLoop({ name: 'test loop', log, logFields: { worker: 'w-1' }, retryMs, pass });
    loops.push(l);
    return l;
  }

  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
    lines.length = 0;
  });

  it('runs one pass at a time, however often it is woken', async () => {
    let active = 0;
    let most = 0;
    let passes = 0;
    let hold = gate();
    const l = loop(async () => {
      passes++;
      active++;
      most = Math.max(most, active);
      await hold.wait;
      active--;
      return null;
    });
    l.start();
    await expectEventually(() => expect(passes).to.equal(1));
    for (let i = 0; i < 5; i++) l.wakeIn(0);
    l.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).to.equal(1);
    const first = hold;
    hold = gate();
    first.open();
    // The wake-ups during the pass add up to one more pass, not five.
    await expectEventually(() => expect(passes).to.equal(2));
    hold.open();
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).to.equal(2);
    expect(most).to.equal(1);
  });

  it('stop waits for the running pass and no pass starts after it', async () => {
    let passes = 0;
    let finished = false;
    const hold = gate();
    const l = loop(async () => {
      passes++;
      await hold.wait;
      finished = true;
      return 0;
    });
    l.start();
    await expectEventually(() => expect(passes).to.equal(1));
    let stopped = false;
    const stopping = l.stop().then(() => { stopped = true; });
    l.wakeIn(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).to.equal(false);
    hold.open();
    await stopping;
    expect(finished).to.equal(true);
    expect(l.stopped).to.equal(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).to.equal(1);
  });

  /** A started loop whose first pass is running and held open; every pass asks for the next in 10 s. */
  async function inFirstPass(): Promise<{ l: WakeLoop; starts: number[]; release: () => void }> {
    const starts: number[] = [];
    const hold = gate();
    const l = loop(async () => {
      starts.push(Date.now());
      if (starts.length === 1) await hold.wait;
      return 10_000;
    });
    l.start();
    await expectEventually(() => expect(starts).to.have.length(1));
    return { l, starts, release: hold.open };
  }

  it('a wake-up during a pass is armed after it at the earliest time asked for, not at once', async () => {
    const { l, starts, release } = await inFirstPass();
    const asked = Date.now();
    l.wakeIn(500);
    l.wakeIn(60);
    l.wakeIn(300);
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(starts, 'no extra pass right after the running one').to.have.length(1);
    await expectEventually(() => expect(starts).to.have.length(2), 1000, 5);
    const waited = starts[1]! - asked;
    expect(waited).to.be.at.least(55);
    expect(waited).to.be.below(300);
  });

  it('a wake-up during a pass that is already due runs right after it', async () => {
    const { l, starts, release } = await inFirstPass();
    l.wakeIn(0);
    const released = Date.now();
    release();
    await expectEventually(() => expect(starts).to.have.length(2), 1000, 5);
    expect(starts[1]! - released).to.be.below(50);
  });

  it('a wake-up later than the armed timer does not delay it; a sooner one brings it forward', async () => {
    const starts: number[] = [];
    const l = loop(async () => {
      starts.push(Date.now());
      return starts.length === 1 ? 40 : 10_000;
    });
    l.start();
    await expectEventually(() => expect(starts).to.have.length(1), 1000, 5);
    l.wakeIn(10_000);
    await expectEventually(() => expect(starts).to.have.length(2), 1000, 5);
    expect(starts[1]! - starts[0]!).to.be.below(1000);
    // Armed 10 s ahead now, on a timer that does not keep the process alive: a wake-up in 20 ms re-arms it.
    expect(l.timer?.hasRef()).to.equal(false);
    const asked = Date.now();
    l.wakeIn(20);
    await expectEventually(() => expect(starts).to.have.length(3), 1000, 5);
    expect(starts[2]! - asked).to.be.at.least(15);
  });

  it('sleeps until woken when a pass answers null', async () => {
    let passes = 0;
    const l = loop(async () => { passes++; return null; });
    l.start();
    await expectEventually(() => expect(passes).to.equal(1));
    await new Promise((r) => setTimeout(r, 30));
    expect(passes).to.equal(1);
    l.wakeIn(0);
    await expectEventually(() => expect(passes).to.equal(2));
  });

  it('logs a pass that threw and goes on after retryMs', async () => {
    let passes = 0;
    const l = loop(async () => {
      passes++;
      if (passes === 1) throw new Error('database went away');
      return null;
    }, 10);
    l.start();
    await expectEventually(() => expect(passes).to.equal(2), 1000, 5);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 'error', msg: 'test loop pass failed', worker: 'w-1', error: 'Error: database went away' });
  });

  it('does nothing when woken before start or after stop', async () => {
    let passes = 0;
    const l = loop(async () => { passes++; return 0; });
    l.wakeIn(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).to.equal(0);
    l.start();
    await expectEventually(() => expect(passes).to.be.at.least(1));
    await l.stop();
    const after = passes;
    l.wakeIn(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).to.equal(after);
  });
});
