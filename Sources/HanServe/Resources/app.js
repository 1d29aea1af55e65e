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
    throw error;
  }
  return body;
}

function showMessage(kind, title, ...lines) {
  main.replaceChildren(el("div", { class: "message " + kind, role: kind === "error" ? "alert" : "status" },
    el("h2", {}, title), ...lines.map(line => el("p", {}, line))));
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
  return panel;
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
    showMessage("error", error.status === 400 ? "检索式有误" : "检索失败", error.message);
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
  const list = el("ol", { class: "hits", start: String(offset + 1) });
  for (const hit of result.hits) {
    const link = pageURL({ doc: hit.doc, q, hit: hit.id });
    const meta = el("div", { class: "meta" });
    if (hit.date) meta.append(el("span", {}, formatDate(hit.date)));
    if (hit.section) meta.append(el("span", {}, hit.section));
    if (hit.kind && hit.kind !== "body") meta.append(el("span", {}, KIND_NAMES[hit.kind] || hit.kind));
    if (hit.source) meta.append(el("span", {}, hit.source));
    meta.append(el("span", {}, "文档 " + hit.doc));
    list.append(el("li", { class: "hit" },
      el("h3", {}, el("a", { href: link, "data-nav": "" }, hit.title || hit.doc)),
      meta,
      el("p", { class: "snippet", html: hit.snippet })));
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
    showMessage("error", error.status === 404 ? "找不到这篇文章" : "载入失败", error.message);
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
