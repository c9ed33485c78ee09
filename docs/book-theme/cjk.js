// 给网页版（mdBook）补上中文需要的两件事。只在浏览器里起作用，Markdown 原文不受影响。
//
// 1. 中文搜索。mdBook 自带的搜索（elasticlunr，英文分词）把查询里的汉字都去掉了，中文词什么也搜不到
//    （上游 rust-lang/mdBook#1081）。这里在查询含有汉字时，改用自己的办法：直接在 mdBook 生成的索引
//    （searchindex.js 里每一节的标题、路径和正文）里找子串；整词找不到时，按两个字一组（二元组）
//    找到了多少来打分。英文查询照旧交给 mdBook。
// 2. ```text 图对齐。图是按"一个汉字占两列"画的（终端和编辑器里就是这样），但网页字体里汉字的宽度
//    不一定正好是两个英文字母。这里把图里每个汉字放进一个宽度正好 2ch 的格子，其他非 ASCII 字符
//    （框线、箭头）放进 1ch 的格子，不管浏览器用的是哪种字体，列都对得上。
(function () {
  'use strict';

  var WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

  // ---------- 2. 图对齐 ----------
  function alignDiagrams() {
    var blocks = document.querySelectorAll('pre > code.language-text');
    for (var b = 0; b < blocks.length; b++) {
      var code = blocks[b];
      if (code.dataset.cjkAligned) continue;
      code.dataset.cjkAligned = '1';
      var text = code.textContent;
      if (!/[^\x00-\x7f]/.test(text)) continue;
      var out = document.createDocumentFragment();
      var plain = '';
      for (var i = 0; i < text.length; i++) {
        var c = text[i];
        if (c.charCodeAt(0) < 0x80) { plain += c; continue; }
        if (plain) { out.appendChild(document.createTextNode(plain)); plain = ''; }
        var cell = document.createElement('span');
        cell.className = WIDE.test(c) ? 'cjk-cell2' : 'cjk-cell1';
        cell.textContent = c;
        out.appendChild(cell);
      }
      if (plain) out.appendChild(document.createTextNode(plain));
      code.textContent = '';
      code.appendChild(out);
    }
  }

  // ---------- 3. 表格在手机上变成卡片：每格记下它的表头（样式见 cjk.css） ----------
  function labelTables() {
    var tables = document.querySelectorAll('.content table');
    for (var t = 0; t < tables.length; t++) {
      var heads = tables[t].querySelectorAll('thead th');
      var rows = tables[t].querySelectorAll('tbody tr');
      for (var r = 0; r < rows.length; r++) {
        for (var c = 0; c < rows[r].cells.length && c < heads.length; c++) {
          var label = heads[c].textContent.trim();
          if (label) rows[r].cells[c].setAttribute('data-label', label);
        }
      }
    }
  }

  // ---------- 1. 中文搜索 ----------
  function count(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at !== -1) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  function bigrams(term) {
    var out = [];
    for (var i = 0; i + 1 < term.length; i++) out.push(term.slice(i, i + 2));
    return out.length ? out : [term];
  }

  // 一个词在一节里的分数：路径（页名 » 小节名）里有它最重要，这一页就是讲它的；其次是小节标题，
  // 再看正文里出现几次（取对数，长的小节不会只因为长就排在前面）。
  function scoreTerm(doc, term) {
    var title = (doc.title || '').toLowerCase();
    var crumbs = (doc.breadcrumbs || '').toLowerCase();
    var body = (doc.body || '').toLowerCase();
    var inBody = count(body, term);
    var score = 0;
    if (crumbs.indexOf(term) !== -1) score += 15;
    if (title.indexOf(term) !== -1) score += 10;
    if (inBody) score += 2 + 2 * Math.log(1 + inBody) / Math.log(2);
    if (score) return score;
    // 整词没有：按二元组找，比如"时间服务"里的"时间""间服""服务"。
    var grams = bigrams(term), found = 0;
    for (var g = 0; g < grams.length; g++) {
      if ((title + crumbs + body).indexOf(grams[g]) !== -1) found++;
    }
    return found / grams.length >= 0.5 ? 2 * found / grams.length : 0;
  }

  function cjkResults(query) {
    var index = window.search;
    if (!index || !index.index || !index.doc_urls) return null;
    var docs = index.index.documentStore.docs;
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var hits = [];
    for (var ref in docs) {
      var doc = docs[ref], total = 0, all = true;
      for (var t = 0; t < terms.length; t++) {
        var s = scoreTerm(doc, terms[t]);
        if (!s) { all = false; break; }
        total += s;
      }
      if (all && total > 0) hits.push({ref: ref, doc: doc, score: total});
    }
    hits.sort(function (a, b) { return b.score - a.score || a.ref - b.ref; });
    var limit = (index.results_options && index.results_options.limit_results) || 30;
    return hits.slice(0, limit);
  }

  function teaser(body, terms) {
    var lower = body.toLowerCase(), at = -1;
    for (var t = 0; t < terms.length && at === -1; t++) at = lower.indexOf(terms[t]);
    var start = Math.max(0, at - 30);
    var piece = body.slice(start, start + 120);
    var span = document.createElement('span');
    span.className = 'teaser';
    if (start > 0) span.appendChild(document.createTextNode('…'));
    var re = new RegExp('(' + terms.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }).join('|') + ')', 'gi');
    var parts = piece.split(re);
    for (var p = 0; p < parts.length; p++) {
      if (p % 2) { var em = document.createElement('em'); em.textContent = parts[p]; span.appendChild(em); }
      else span.appendChild(document.createTextNode(parts[p]));
    }
    span.appendChild(document.createTextNode('…'));
    return span;
  }

  // mdBook 0.5 给这些元素的 id 加了 mdbook- 前缀；两种都认。
  function byId(name) {
    return document.getElementById('mdbook-' + name) || document.getElementById(name);
  }

  var observer = null;
  function renderCjk() {
    var bar = byId('searchbar');
    var list = byId('searchresults');
    var header = byId('searchresults-header');
    if (!bar || !list || !header) return;
    var query = bar.value.trim();
    if (!HAN.test(query)) return;
    var hits = cjkResults(query);
    if (hits === null) return;
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var root = typeof path_to_root === 'string' ? path_to_root : '';
    list.textContent = '';
    for (var h = 0; h < hits.length; h++) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      var url = window.search.doc_urls[hits[h].ref].split('#');
      a.href = root + url[0] + '?highlight=' + encodeURIComponent(query) + (url[1] ? '#' + url[1] : '');
      a.textContent = hits[h].doc.breadcrumbs || hits[h].doc.title;
      li.appendChild(a);
      li.appendChild(teaser(hits[h].doc.body || '', terms));
      list.appendChild(li);
    }
    header.textContent = hits.length
      ? '找到 ' + hits.length + ' 处和「' + query + '」有关的内容'
      : '没有找到「' + query + '」';
    // 丢掉我们自己这次改写引起的通知，免得观察者又来一遍。
    if (observer) observer.takeRecords();
  }

  function hookSearch() {
    var list = byId('searchresults');
    var header = byId('searchresults-header');
    if (!list || !header) return;
    // mdBook 每次搜完都会改写结果列表和标题；改写之后，如果查询里有汉字，换成我们的结果。
    observer = new MutationObserver(function () { renderCjk(); });
    observer.observe(list, {childList: true});
    observer.observe(header, {childList: true, characterData: true, subtree: true});
    // 地址里带着 ?search=… 打开页面时，mdBook 可能在这个脚本加载之前就搜完了。
    renderCjk();
  }

  function start() {
    alignDiagrams();
    labelTables();
    hookSearch();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
