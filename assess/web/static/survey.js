// The residents' survey on a phone. Everything the resident does is kept in localStorage as they go (a
// reload or a closed tab resumes where they were); a submission is sent with an id made on the phone, so the
// server counts it once however often a bad network makes us send it again. While offline the answers wait
// on the phone and go when the browser says it is online again (or on the next visit).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("survey-data").textContent);
  var zh = document.documentElement.lang !== "en";
  var KEY = "assess-survey:" + data.token;
  var FONT = "assess-survey-font";
  var screenEl = document.getElementById("screen");
  var sending = false;
  var T = zh ? {
    start: "开始作答", resume: "继续作答", next: "下一题", back: "上一题", submit: "提交答卷",
    progress: function (n, t) { return "第 " + n + " 题，共 " + t + " 题"; },
    optional: "以下两项可不填，只用于分楼栋、分年龄统计。", attributes: "关于您（可不填）", free: "请填写（可不填）",
    intro: function (n, m) { return "共 " + n + " 道题，约 " + m + " 分钟。可以随时返回修改，没有对错之分。"; },
    collectTitle: "我们收集什么、为什么", collect: [
      "只收集您对各题的选择，以及您愿意填写的楼栋、年龄段（可不填）。",
      "不问姓名、电话、微信号；答卷中不保存网络地址和手机型号。",
      "答案只用于评估社区党建和社区服务，结果以汇总形式呈现，人数很少的分组不单独显示。",
      "填写过程中答案先保存在您的手机上，网络不好也不会丢失。"],
    before: "这部手机已经提交过一份答卷。如果是家里其他人填写，可以继续作答。",
    review: function (a, t) { return "您已回答 " + a + " 题，共 " + t + " 题。没回答的题可以返回补充，也可以直接提交。"; },
    reviewTitle: "检查并提交", sendingNow: "正在提交……",
    waiting: "现在没有网络，答卷已保存在手机上。联网后会自动提交，也可以之后再打开这个页面。",
    sent: "提交成功，谢谢您的参与！", sentMore: "家里其他人也想填写？", another: "再填一份",
    closed: "本次问卷已结束，感谢您的关注。", unanswered: "（未作答）", retry: "稍后自动重试。",
    yesHelp: "说明"
  } : {
    start: "Start", resume: "Continue", next: "Next", back: "Back", submit: "Submit",
    progress: function (n, t) { return "Question " + n + " of " + t; },
    optional: "Optional: used only to count answers by building and age.", attributes: "About you (optional)",
    free: "Type it (optional)",
    intro: function (n, m) { return n + " questions, about " + m + " minutes. You can go back at any time."; },
    collectTitle: "What we collect and why", collect: [
      "Only your answers, and the building and age band if you choose to give them.",
      "No name, phone number or WeChat id; no network address or phone model is kept with the answers.",
      "Used only to assess the community's work; results are shown in summary, small groups are not shown.",
      "Your answers are kept on your phone as you go, so a bad network loses nothing."],
    before: "This phone has already sent answers. If someone else in your household is answering, go on.",
    review: function (a, t) { return "You answered " + a + " of " + t + " questions. Go back to add more, or submit."; },
    reviewTitle: "Check and submit", sendingNow: "Sending…",
    waiting: "No network now: your answers are kept on this phone and are sent when the network is back.",
    sent: "Received, thank you!", sentMore: "Someone else at home wants to answer?", another: "Answer again",
    closed: "This survey is closed: thank you.", unanswered: "(not answered)", retry: "Trying again shortly.",
    yesHelp: "Help"
  };
  var questions = data.questions;
  var attrs = data.attributes || [];
  var firstQuestion = attrs.length ? 2 : 1; // screen 0: welcome; 1: attributes (if any); then the questions
  var reviewScreen = firstQuestion + questions.length;

  function newId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes); // works on plain http too (randomUUID does not)
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function load() {
    try { var kept = JSON.parse(localStorage.getItem(KEY)); if (kept && kept.client_id) { return kept; } } catch (e) {}
    return { client_id: newId(), answers: {}, attributes: {}, screen: 0, state: "draft" };
  }
  var draft = load();
  function save() { try { localStorage.setItem(KEY, JSON.stringify(draft)); } catch (e) {} }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") { node.textContent = props[k]; } else if (k === "class") { node.className = props[k]; }
      else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), props[k]); } else { node.setAttribute(k, props[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function navBar(backTo, nextLabel, onNext) {
    return el("div", { class: "nav" }, [
      backTo === null ? null : el("button", { type: "button", class: "back", text: T.back, onclick: function () { go(backTo); } }),
      el("button", { type: "button", class: "main", text: nextLabel, onclick: onNext })
    ]);
  }
  function go(screen) { draft.screen = screen; save(); render(); }
  function show(nodes) {
    screenEl.textContent = "";
    nodes.forEach(function (n) { if (n) { screenEl.appendChild(n); } });
    window.scrollTo(0, 0);
    var heading = screenEl.querySelector("h1, legend");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
  }

  function welcome() {
    var started = Object.keys(draft.answers).length > 0;
    show([
      el("h1", { text: data.community + (zh ? "居民问卷" : " residents' survey") }),
      data.answered_before ? el("p", { class: "notice", text: T.before }) : null,
      el("p", { class: "lead", text: T.intro(questions.length, data.minutes) }),
      el("section", { class: "box" }, [el("h2", { text: T.collectTitle }),
        el("ul", {}, T.collect.map(function (line) { return el("li", { text: line }); }))]),
      navBar(null, started ? T.resume : T.start, function () { go(started ? Math.max(draft.screen, 1) : 1); })
    ]);
  }

  function attributesScreen() {
    var parts = attrs.map(function (a, i) {
      if (a.options) {
        return el("fieldset", { class: "box" }, [el("legend", { text: a.name })].concat(a.options.map(function (o) {
          var input = el("input", { type: "radio", name: "attr" + i, value: o });
          input.checked = draft.attributes[a.name] === o;
          input.addEventListener("change", function () { draft.attributes[a.name] = o; save(); });
          return el("label", { class: "option" }, [input, el("span", { text: o })]);
        })));
      }
      var box = el("input", { type: "text", maxlength: "40", autocomplete: "off", "aria-describedby": "attr-help" });
      box.value = draft.attributes[a.name] || "";
      box.addEventListener("input", function () { draft.attributes[a.name] = box.value; save(); });
      return el("label", { class: "field box" }, [el("span", { text: a.name + (zh ? "（如 3 号楼，可不填）" : " (optional)") }), box]);
    });
    show([el("h1", { text: T.attributes }), el("p", { id: "attr-help", class: "muted", text: T.optional })]
      .concat(parts, [navBar(0, T.next, function () { go(firstQuestion); })]));
  }

  function questionScreen(index) {
    var q = questions[index];
    var n = index + 1;
    var body;
    if (q.options) {
      body = q.options.map(function (o) {
        var multi = q.type === "multi_choice";
        var input = el("input", { type: multi ? "checkbox" : "radio", name: q.id, value: String(o.value) });
        var current = draft.answers[q.id];
        input.checked = multi ? (current || []).indexOf(o.value) >= 0 : current === o.value;
        input.addEventListener("change", function () {
          if (multi) {
            var list = (draft.answers[q.id] || []).filter(function (v) { return v !== o.value; });
            if (input.checked) { list.push(o.value); }
            draft.answers[q.id] = list;
          } else { draft.answers[q.id] = o.value; }
          save();
        });
        return el("label", { class: "option" }, [input, el("span", { text: o.label })]);
      });
    } else {
      var multiline = q.type === "text";
      var box = el(multiline ? "textarea" : "input", multiline ? { rows: "4", maxlength: String(q.max_length) }
        : { type: "text", inputmode: q.integer ? "numeric" : "decimal" });
      box.value = draft.answers[q.id] === undefined ? "" : draft.answers[q.id];
      box.addEventListener("input", function () {
        if (box.value.trim()) { draft.answers[q.id] = box.value; } else { delete draft.answers[q.id]; }
        save();
      });
      body = [el("label", { class: "field" }, [el("span", { class: "muted", text: T.free + (q.unit ? "（" + q.unit + "）" : "") }), box])];
    }
    var pct = Math.round(100 * index / questions.length);
    show([
      el("div", { class: "progress" }, [el("span", { text: T.progress(n, questions.length) }),
        el("div", { class: "track", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
          "aria-valuenow": String(pct), "aria-label": T.progress(n, questions.length) }, [el("span", { class: "fill", style: "width:" + pct + "%" })])]),
      el("fieldset", {}, [el("legend", { text: q.title })].concat(q.help ? [el("p", { class: "help", text: q.help })] : [], body)),
      navBar(draft.screen - 1, n === questions.length ? T.reviewTitle : T.next, function () { go(draft.screen + 1); })
    ]);
  }

  function answeredCount() {
    return questions.filter(function (q) {
      var v = draft.answers[q.id];
      return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
    }).length;
  }

  function review() {
    show([el("h1", { text: T.reviewTitle }), el("p", { class: "lead", text: T.review(answeredCount(), questions.length) }),
      el("p", { id: "send-status", role: "status" }),
      navBar(reviewScreen - 1, T.submit, function () { draft.state = "pending"; save(); send(); })]);
  }

  function finished() {
    show([el("h1", { class: "ok", text: T.sent }), el("p", { text: T.sentMore }),
      el("button", { type: "button", class: "main", text: T.another, onclick: function () {
        draft = { client_id: newId(), answers: {}, attributes: {}, screen: 0, state: "draft" }; save(); render();
      } })]);
  }

  function waiting(message) {
    show([el("h1", { text: T.reviewTitle }), el("p", { class: "notice", role: "status", text: message })]);
  }

  function send() {
    if (sending || draft.state !== "pending") { return; }
    sending = true;
    waiting(T.sendingNow);
    var answers = {};
    Object.keys(draft.answers).forEach(function (k) {
      var v = draft.answers[k];
      if (!(Array.isArray(v) && v.length === 0) && v !== "") { answers[k] = v; }
    });
    fetch("/api/survey/" + encodeURIComponent(data.token) + "/responses", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: draft.client_id, answers: answers, attributes: draft.attributes })
    }).then(function (response) {
      sending = false;
      if (response.status === 200 || response.status === 201) { draft.state = "sent"; save(); render(); return; }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var detail = (body && body.detail) || "";
        if (response.status === 410) { draft.state = "closed"; save(); render(); return; }
        if (response.status === 422 || response.status === 413) {
          draft.state = "draft"; save(); review();
          document.getElementById("send-status").textContent = String(detail).split(" / ")[zh ? 0 : 1] || detail;
          document.getElementById("send-status").className = "error";
          return;
        }
        waiting((String(detail).split(" / ")[zh ? 0 : 1] || T.waiting) + " " + T.retry); // 429, 5xx: later
        setTimeout(send, 20000);
      });
    }).catch(function () { sending = false; waiting(T.waiting); }); // no network: wait for "online"
  }

  function render() {
    if (draft.state === "sent") { return finished(); }
    if (draft.state === "closed") { return show([el("h1", { text: T.closed })]); }
    if (draft.state === "pending") { return send(); }
    if (draft.screen <= 0) { return welcome(); }
    if (draft.screen === 1 && attrs.length) { return attributesScreen(); }
    if (draft.screen >= reviewScreen) { return review(); }
    questionScreen(draft.screen - firstQuestion);
  }

  function applySize(size) {
    document.documentElement.style.fontSize = (112.5 * size) + "%";
    Array.prototype.forEach.call(document.querySelectorAll(".sizes button"), function (b) {
      b.setAttribute("aria-pressed", String(Number(b.getAttribute("data-size")) === size));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".sizes button"), function (b) {
    b.addEventListener("click", function () {
      var size = Number(b.getAttribute("data-size"));
      try { localStorage.setItem(FONT, String(size)); } catch (e) {}
      applySize(size);
    });
  });
  applySize(Number(localStorage.getItem(FONT)) || 1);
  window.addEventListener("online", send);
  setInterval(function () { if (draft.state === "pending" && navigator.onLine) { send(); } }, 30000);
  render();
}());
