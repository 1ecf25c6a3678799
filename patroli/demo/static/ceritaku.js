// Ceritaku: every post reaches the page only through this script, from the JSON API.
// Text is always set with textContent, never innerHTML: captions carry hostile markup.
(function () {
  "use strict";

  var body = document.body;
  var page = body.dataset.page;
  var feed = document.getElementById("feed");
  var profile = document.getElementById("profile");
  var status = document.getElementById("feed-status");
  var end = document.getElementById("feed-end");
  var nextUrl = null;
  var loading = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatTime(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString("id-ID", { day: "numeric", month: "long", year: "numeric" });
  }

  function renderPost(post) {
    var article = el("article", "post");
    article.dataset.postId = post.id;
    var header = el("header", "post-header");
    var author = el("a", "post-author", "@" + post.author.handle);
    author.href = post.author.url;
    header.appendChild(author);
    header.appendChild(el("span", "post-author-name", " " + post.author.name));
    article.appendChild(header);
    var image = el("img", "post-image");
    image.src = post.image;
    image.alt = "";
    image.width = 380;
    image.height = 380;
    article.appendChild(image);
    article.appendChild(el("p", "post-caption", post.caption));
    var footer = el("footer", "post-footer");
    var time = el("time", "post-time", formatTime(post.posted_at));
    time.setAttribute("datetime", post.posted_at);
    var link = el("a", "post-permalink");
    link.href = post.permalink;
    link.appendChild(time);
    footer.appendChild(link);
    footer.appendChild(el("span", "post-likes", post.likes + " suka"));
    footer.appendChild(el("span", "post-comments", post.comments + " komentar"));
    article.appendChild(footer);
    return article;
  }

  function renderProfile(account) {
    profile.className = "profile";
    profile.dataset.handle = account.handle;
    profile.appendChild(el("h1", "profile-name", account.name));
    profile.appendChild(el("div", "profile-handle", "@" + account.handle));
    profile.appendChild(el("div", "profile-location", account.location));
    profile.appendChild(el("div", "profile-bio", account.bio));
    profile.appendChild(el("div", "profile-posts-count", account.posts_count + " postingan"));
  }

  function showMessage(className, text) {
    status.textContent = "";
    status.className = className;
    status.textContent = text;
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function loadMore() {
    if (loading || !nextUrl) return;
    loading = true;
    status.textContent = "Memuat\u2026";
    fetchJson(nextUrl)
      .then(function (result) {
        if (result.status === 401) {
          nextUrl = null;
          showMessage("login-wall", "Masuk untuk melihat lebih banyak");
          return;
        }
        if (result.status !== 200) {
          nextUrl = null;
          showMessage("account-unavailable", "Akun tidak tersedia");
          return;
        }
        result.data.posts.forEach(function (post) {
          feed.appendChild(renderPost(post));
        });
        nextUrl = result.data.next_url;
        if (!nextUrl) {
          status.textContent = feed.children.length ? "Tidak ada postingan lagi" : "Belum ada postingan";
        } else {
          status.textContent = "";
        }
      })
      .catch(function () {
        status.textContent = "Gagal memuat. Gulir untuk mencoba lagi.";
      })
      .then(function () {
        loading = false;
        // A short page may leave the end of the feed on screen: keep filling.
        window.requestAnimationFrame(maybeLoadMore);
      });
  }

  // Infinite scroll: the next page loads when the reader nears the end of the feed.
  function maybeLoadMore() {
    if (!nextUrl || loading) return;
    if (end.getBoundingClientRect().top < window.innerHeight + 200) loadMore();
  }

  function start() {
    if (page === "explore") {
      nextUrl = "/api/posts?q=" + encodeURIComponent(body.dataset.q || "");
      loadMore();
    } else if (page === "account") {
      var handle = body.dataset.handle;
      fetchJson("/api/accounts/" + encodeURIComponent(handle)).then(function (result) {
        if (result.status !== 200) {
          showMessage("account-unavailable", result.status === 410 ? "Akun tidak tersedia" : "Akun tidak ditemukan");
          return;
        }
        renderProfile(result.data);
        nextUrl = "/api/accounts/" + encodeURIComponent(handle) + "/posts";
        loadMore();
      });
    } else if (page === "post") {
      fetchJson("/api/posts/" + encodeURIComponent(body.dataset.postId)).then(function (result) {
        if (result.status === 200) {
          feed.appendChild(renderPost(result.data));
          status.textContent = "";
        } else {
          showMessage("post-unavailable", result.status === 410 ? "Postingan tidak tersedia" : "Postingan tidak ditemukan");
        }
      });
    }
  }

  window.addEventListener("scroll", maybeLoadMore, { passive: true });
  window.addEventListener("resize", maybeLoadMore);
  start();
})();
