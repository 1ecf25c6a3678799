// Progress of background jobs: every element made by templates/jobs/progress.html polls its
// job's JSON once a second until the job ends. Text goes in through textContent only: a job's
// error may quote crawled text, which must never become markup.
(function () {
  "use strict";

  var ENDED = { done: true, failed: true };

  function label(box, status) {
    var key = "label" + status.charAt(0).toUpperCase() + status.slice(1);
    return box.dataset[key] || status;
  }

  function show(box, job) {
    var bar = box.querySelector("progress");
    var text = box.querySelector(".job-text");
    var done = job.progress.done, total = job.progress.total;
    if (total > 0) {
      bar.max = total;
      bar.value = job.status === "done" ? total : Math.min(done, total);
    } else if (ENDED[job.status]) {
      bar.max = 1;
      bar.value = job.status === "done" ? 1 : 0;
    }
    var line = label(box, job.status) + ": " + done + " " + (box.dataset.labelOf || "/") + " " + total;
    if (job.status === "failed" && job.error) {
      line += " — " + job.error;
    }
    text.textContent = line;
    box.dataset.status = job.status;
  }

  function poll(box, sawRunning) {
    fetch(box.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(box, job);
        if (!ENDED[job.status]) {
          window.setTimeout(function () { poll(box, true); }, 1000);
        } else if (sawRunning && job.status === "done" && box.dataset.reload) {
          // Reload only after watching the job run: a page showing an ended job stays put.
          window.location.reload();
        }
      })
      .catch(function (error) {
        box.querySelector(".job-text").textContent = String(error.message || error);
        box.dataset.status = "error";
      });
  }

  function start() {
    var boxes = document.querySelectorAll(".job-progress[data-job-url]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.dataset.polling) {
        return; // the partial was included twice: one poller per job
      }
      box.dataset.polling = "1";
      poll(box, Boolean(box.dataset.active));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
