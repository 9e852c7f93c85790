// Timers as React Native has them, for the bare Hermes VM. The hermes 0.12
// CLI's setTimeout ignores the delay and runs callbacks in the order they
// were set (a 300 ms and a 10 ms timer both fire at 0 ms); React Native's
// wait. This queue runs timers by due time on a virtual clock that Date.now
// follows, so the scenarios see React Native's order and delays at once.

(function () {
  const nextJob = globalThis.setTimeout; // the VM's: after this job and its microtasks
  const start = Date.now();
  let now = 0;
  let queue = [];
  let lastId = 0;
  let pending = false;

  function runEarliest() {
    pending = false;
    if (queue.length === 0) return;
    let earliest = 0;
    for (let i = 1; i < queue.length; i++) {
      if (queue[i].due < queue[earliest].due) earliest = i;
    }
    const timer = queue.splice(earliest, 1)[0];
    now = Math.max(now, timer.due);
    timer.callback();
    schedule();
  }

  function schedule() {
    if (!pending && queue.length > 0) {
      pending = true;
      nextJob(runEarliest, 0);
    }
  }

  globalThis.setTimeout = function (callback, ms) {
    lastId += 1;
    queue.push({
      id: lastId,
      due: now + Math.max(0, ms || 0),
      callback: callback,
    });
    schedule();
    return lastId;
  };
  globalThis.clearTimeout = function (id) {
    queue = queue.filter(function (timer) {
      return timer.id !== id;
    });
  };
  Date.now = function () {
    return start + now;
  };
})();
