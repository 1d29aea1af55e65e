"use strict";
const PAGE_SIZE = 10;
const main = document.getElementById("main");
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const sortSelect = document.getElementById("sort");

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "html") node.innerHTML = value; else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function pageURL(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "" && value !== null) query.set(key, value);
  return "/?" + query.toString();
}

async function api(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" } });
  } catch (error) {
    throw new Error("无法连接服务器（" + error.message + "）");
  }
  let body = null;
  try { body = await response.json(); } catch (_) { /* not JSON */ }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : "HTTP " + response.status;
    const error = new Error(message);
    error.status = response.status;
    error.code = body && body.error ? body.error.code : undefined;
    throw error;
  }
  return body;
}

function showMessage(kind, title, ...lines) {
  main.replaceChildren(el("div", { class: "message " + kind, role: kind === "error" ? "alert" : "status" },
    el("h2", {}, title), ...lines.map(line => el("p", {}, line))));
}

/** What an error code means, in the page's language; the server's own words follow as the detail. */
const ERROR_TEXTS = {
  bad_query: "检索式无法解析：请检查引号是否成对、OR 两侧是否都有词。",
  missing_query: "请输入要检索的词句。",
  query_too_long: "检索式太长，请缩短后再试。",
  bad_parameter: "检索参数有误。",
  shard_unavailable: "部分索引分片暂时无法访问，请稍后再试。",
  unavailable: "服务器正忙或正在关闭，请稍后再试。",
  document_not_found: "索引中没有这篇文章（可能已被删除）。",
  index_error: "读取索引时出错，请稍后再试。",
};

/** An error message: the meaning of its code in Chinese, then the server's message as the detail. */
function showError(title, error) {
  const text = ERROR_TEXTS[error.code] || "服务器没有给出结果。";
  showMessage("error", title, text);
  main.firstChild.append(el("p", { class: "detail" }, "详情：" + error.message));
}

function formatDate(date) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || "");
  return match ? `${match[1]}年${Number(match[2])}月${Number(match[3])}日` : "";
}

/** The facets shown beside the results, with how their values read. */
const FACETS = [
  { name: "source", title: "来源", label: value => value },
  { name: "year", title: "年份", label: value => value + "年" },
];

/** Facet values as links that re-run the search filtered by that value (or, for the chosen one, without it). */
function facetPanel(q, sort, filters, counts) {
  const panel = el("div", { class: "facets", id: "facets" });
  // No card at all when nothing has a source or a year and nothing is filtered.
  for (const facet of FACETS) {
    const values = (counts && counts[facet.name]) || [];
    if (!values.length) continue;
    const row = el("div", { class: "facet", "data-facet": facet.name }, el("h2", {}, facet.title));
    for (const { value, count } of values.slice(0, 12)) {
      const chosen = filters[facet.name] === value;
      const href = pageURL({ q, sort: sort === "date" ? "date" : undefined, ...filters, [facet.name]: chosen ? undefined : value });
      row.append(el("a", { href, "data-nav": "", "data-value": value, class: chosen ? "chosen" : "", title: chosen ? "取消此筛选" : "只看" + facet.label(value) },
        facet.label(value), el("span", { class: "count" }, chosen ? "×" : String(count))));
    }
    panel.append(row);
  }
  if (filters.source || filters.year) {
    panel.append(el("div", { class: "facet" }, el("a", { class: "clear", id: "clear-filters", href: pageURL({ q, sort: sort === "date" ? "date" : undefined }), "data-nav": "" }, "清除筛选")));
  }
  return panel.childElementCount ? panel : "";
}

async function runSearch(q, page, sort, filters) {
  input.value = q;
  sortSelect.value = sort;
  document.title = q + " - HanSearch 全文检索";
  main.replaceChildren(el("p", { class: "loading" }, "检索中…"));
  const offset = (page - 1) * PAGE_SIZE;
  let result;
  try {
    const chosen = Object.entries(filters).filter(([, value]) => value).map(([key, value]) => `&${key}=${encodeURIComponent(value)}`).join("");
    result = await api(`/search?q=${encodeURIComponent(q)}&limit=${PAGE_SIZE}&offset=${offset}&sort=${sort}&facets=source,year${chosen}`);
  } catch (error) {
    showError(error.status === 400 ? "检索式有误" : "检索失败", error);
    return;
  }
  if (result.total === 0) {
    showMessage("empty", `没有找到包含「${q}」的段落`,
      "检索是精确匹配的：请检查错别字，或缩短、拆分检索词（用空格分开的词只需出现在同一段中）。");
    if (filters.source || filters.year) main.firstChild.append(facetPanel(q, sort, filters, {}));
    return;
  }
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (page > pages) {
    showMessage("empty", `第 ${page} 页没有结果`, `共 ${result.total} 条结果，只有 ${pages} 页。`);
    return;
  }
  // One card per article on the page, in the order of its best hit, with at most two of its hits.
  const articles = new Map();
  for (const hit of result.hits) {
    if (!articles.has(hit.doc)) articles.set(hit.doc, []);
    articles.get(hit.doc).push(hit);
  }
  const list = el("ol", { class: "hits" });
  for (const [doc, hits] of articles) {
    const first = hits[0];
    const meta = el("div", { class: "meta" });
    if (first.date) meta.append(el("span", {}, formatDate(first.date)));
    if (first.source) meta.append(el("span", {}, first.source));
    meta.append(el("span", {}, "文档 " + doc));
    const card = el("li", { class: "hit", "data-doc": doc },
      el("h3", {}, el("a", { href: pageURL({ doc, q, hit: first.id }), "data-nav": "" }, first.title || doc)), meta);
    for (const hit of hits.slice(0, 2)) {
      // "p. N": the PDF page the segment starts on (hits from PDFs only).
      const where = [hit.section, hit.kind && hit.kind !== "body" ? KIND_NAMES[hit.kind] || hit.kind : "",
                     hit.page ? "p. " + hit.page : ""].filter(Boolean).join(" · ");
      if (where) card.append(el("div", { class: "where" }, where));
      card.append(el("p", { class: "snippet", html: hit.snippet }));
    }
    if (hits.length > 2) {
      const more = hits.length - 2;
      card.append(el("a", { class: "more", "data-count": String(more), "data-nav": "", href: pageURL({ doc, q, hit: hits[2].id }) },
        `本文另有 ${more} 处匹配 →`));
    }
    list.append(card);
  }
  main.replaceChildren(
    el("p", { class: "summary", id: "summary" },
       `找到 ${result.total} 个段落 · 第 ${page}/${pages} 页 · 用时 ${result.took_ms.toFixed(1)} 毫秒`),
    facetPanel(q, sort, filters, result.facets), list, pagination(q, page, pages, sort, filters));
}

function pagination(q, page, pages, sort, filters) {
  const nav = el("nav", { class: "pages", "aria-label": "翻页" });
  if (pages <= 1) return nav;
  const link = (number, label) => el("a", { href: pageURL({ q, page: number, sort, ...filters }), "data-nav": "" }, label || String(number));
  if (page > 1) nav.append(link(page - 1, "上一页"));
  const shown = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter(n => n >= 1 && n <= pages));
  let previous = 0;
  for (const number of [...shown].sort((a, b) => a - b)) {
    if (number > previous + 1) nav.append(el("span", { class: "gap" }, "…"));
    nav.append(number === page ? el("span", { class: "current", "aria-current": "page" }, String(number)) : link(number));
    previous = number;
  }
  if (page < pages) nav.append(link(page + 1, "下一页"));
  return nav;
}

/** How a segment's kind reads in Chinese. */
const KIND_NAMES = { heading: "小标题", caption: "图片说明", credit: "图片来源", banner: "版头" };

async function showDocument(id, q, hitID) {
  if (q) input.value = q;
  main.replaceChildren(el("p", { class: "loading" }, "载入全文…"));
  let doc;
  try {
    doc = await api(`/documents/${encodeURIComponent(id)}` + (q ? `?q=${encodeURIComponent(q)}` : ""));
  } catch (error) {
    showError(error.status === 404 ? "找不到这篇文章" : "载入失败", error);
    return;
  }
  document.title = doc.title + " - HanSearch";
  const highlights = doc.highlights || {};
  const meta = el("div", { class: "meta" });
  if (doc.date) meta.append(el("span", {}, formatDate(doc.date)));
  if (doc.source) meta.append(el("span", {}, doc.source));
  const authors = doc.segments[0] && doc.segments[0].authors;
  if (authors && authors.length) meta.append(el("span", {}, "作者：" + authors.join("、")));
  meta.append(el("span", {}, `${doc.segments.length} 段`));
  const body = el("div", { class: "body" });
  let target = null;
  for (const segment of doc.segments) {
    const html = highlights[segment.id];
    const paragraph = html !== undefined ? el("p", { id: segment.id, class: "matched", html }) : el("p", { id: segment.id }, segment.text);
    if (segment.kind && segment.kind !== "body") paragraph.classList.add(segment.kind);
    if (segment.id === hitID) { paragraph.classList.add("target"); target = paragraph; }
    body.append(paragraph);
  }
  const back = q ? el("a", { class: "back", href: pageURL({ q }), "data-nav": "" }, "← 返回「" + q + "」的检索结果") : el("a", { class: "back", href: "/", "data-nav": "" }, "← 返回检索");
  main.replaceChildren(back, el("article", {}, el("h1", {}, doc.title), meta, body));
  if (target) target.scrollIntoView({ block: "center" }); else window.scrollTo(0, 0);
}

function route() {
  const params = new URLSearchParams(location.search);
  const q = (params.get("q") || "").trim();
  if (params.get("doc")) return showDocument(params.get("doc"), q, params.get("hit"));
  const filters = { source: params.get("source") || undefined, year: params.get("year") || undefined };
  if (q) return runSearch(q, Math.max(1, parseInt(params.get("page"), 10) || 1), params.get("sort") === "date" ? "date" : "relevance", filters);
  input.focus();
}

function navigate(url) {
  history.pushState(null, "", url);
  route();
}

form.addEventListener("submit", event => {
  event.preventDefault();
  const q = input.value.trim();
  if (!q) { input.focus(); return; }
  navigate(pageURL({ q, sort: sortSelect.value === "date" ? "date" : undefined }));
});
sortSelect.addEventListener("change", () => {
  // Keeps the chosen source and year: only the order changes.
  const params = new URLSearchParams(location.search);
  const q = input.value.trim();
  if (q) navigate(pageURL({ q, sort: sortSelect.value === "date" ? "date" : undefined, source: params.get("source"), year: params.get("year") }));
});
document.addEventListener("click", event => {
  const link = event.target.closest("a[data-nav]");
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", route);
route();
