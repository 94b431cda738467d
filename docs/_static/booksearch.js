/* The book's search (bookgen.sphinx.search writes its index under _search/).
 *
 * Results come by section, as the reader types: a section that holds the query as a
 * phrase ranks above one with its words apart, a title or heading that is the query
 * above a mention in the text, a glossary term's own entry first for that term, and
 * pages that only list posts (landing, parts, tags, archive) below the chapters. A word
 * typed in part is read as the words it begins; a word the book does not have, as the
 * nearest ones it has ("Showing results for ..."). Filters: part, tag, year.
 *
 * The index comes as script files, so the book searches when opened from disk. Words
 * are cut, lower-cased and stemmed as the index was (search.py): runs of letters and
 * digits, Han and kana as pairs, Sphinx's stemmer for the language.
 * Post text is only ever put into the page as text nodes, never as HTML.
 */
"use strict";

const BookSearch = (() => {
  const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}";
  const WORD = new RegExp(`[${CJK}]+|[\\p{L}\\p{N}]+`, "gu");
  const IS_CJK = new RegExp(`^[${CJK}]`, "u");
  const RESULTS_SHOWN = 20;
  const SECTIONS_SHOWN = 3;
  // Reference pages (glossary, resources) define and cite what the chapters discuss:
  // their entries come first when titled with the query, else after the chapters.
  const KIND_WEIGHT = { post: 1, glossary: 0.25, resource: 0.25, page: 0.8, listing: 0.25 };
  const TITLE_BONUS = { post: 3, page: 3, listing: 1, glossary: 1, resource: 1 };
  const EXACT_TITLE = 8; // a heading that is the query
  const HEADING_BONUS = 1; // a word in a section's heading (or a glossary entry's term)
  const OTHER_FORM = 0.35; // "blog" found for "blogging": the same stem, another word
  const ENTRY_KINDS = new Set(["glossary", "resource"]);

  const loaded = new Map();
  const waiting = new Map();
  let root = "";
  let stemmer = null;

  /** A shard's script calls this with its data. */
  function loadedShard(name, data) {
    loaded.set(name, data);
    const resolve = waiting.get(name);
    if (resolve) resolve(data);
  }

  /** The shard's data, loading its script once (a script tag works from file://). */
  function need(name) {
    if (loaded.has(name)) return Promise.resolve(loaded.get(name));
    if (!waiting.has(name)) {
      let resolve;
      const promise = new Promise((res, rej) => {
        resolve = res;
        const tag = document.createElement("script");
        tag.src = `${root}${name}.js`;
        tag.async = true;
        tag.onerror = () => rej(new Error(`the search index file ${name}.js did not load`));
        document.head.appendChild(tag);
      });
      waiting.set(name, resolve);
      waiting.set(`${name}:promise`, promise);
    }
    return waiting.get(`${name}:promise`);
  }

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /** The words of a text with where each starts: [{word, start, end}], CJK as pairs. */
  function wordsOf(text) {
    const out = [];
    for (const match of normalise(text).matchAll(WORD)) {
      const word = match[0];
      if (IS_CJK.test(word) && word.length > 1) {
        const chars = Array.from(word);
        for (let i = 0; i + 1 < chars.length; i++) {
          out.push({ word: chars[i] + chars[i + 1], start: match.index, end: match.index + word.length });
        }
      } else {
        out.push({ word, start: match.index, end: match.index + word.length });
      }
    }
    return out;
  }

  function stem(word) {
    if (IS_CJK.test(word)) return word;
    return stemmer ? stemmer.stemWord(word) : word;
  }

  /** FNV-1a over UTF-8, as search.py's shard_of. */
  function shardOf(term, count) {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(term)) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    return hash % count;
  }

  function lowerBound(list, value) {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (list[middle] < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Edit distance with a swap of two neighbours as one edit (optimal string alignment),
   *  stopping once it passes ``limit``: "impsoter" is one edit from "imposter". */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let before = null;
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          current[j] = Math.min(current[j], before[j - 2] + 1);
        }
        best = Math.min(best, current[j]);
      }
      if (best > limit) return limit + 1;
      before = previous;
      previous = current;
    }
    return previous[b.length];
  }

  /** For each query word, the index terms it stands for, with a weight: the word
   *  itself 1; else (or for the last word, as one types) the words it begins 0.6;
   *  else the nearest words the book has, for a mistyped one, 0.5. */
  function expand(meta, queryWords, typing) {
    const vocabulary = meta.vocabulary;
    return queryWords.map((entry, index) => {
      const term = stem(entry.word);
      const candidates = [];
      const exact = vocabulary[lowerBound(vocabulary, term)] === term;
      if (exact) candidates.push({ term, weight: 1 });
      const last = index === queryWords.length - 1;
      if ((!exact || (last && typing)) && entry.word.length >= 2) {
        for (let i = lowerBound(vocabulary, entry.word); i < vocabulary.length && candidates.length < 40; i++) {
          if (!vocabulary[i].startsWith(entry.word)) break;
          if (vocabulary[i] !== term) candidates.push({ term: vocabulary[i], weight: 0.6 });
        }
      }
      let corrected = false;
      if (candidates.length === 0 && !IS_CJK.test(entry.word) && entry.word.length >= 4) {
        const limit = entry.word.length >= 8 ? 2 : 1;
        const near = [];
        for (const word of vocabulary) {
          const d = Math.min(distance(entry.word, word, limit), distance(term, word, limit));
          if (d <= limit) near.push({ word, d });
        }
        // Nearest first; among equals, a word of the typed length and first letter.
        const likeness = (word) => Math.abs(word.length - entry.word.length) + (word[0] === entry.word[0] ? 0 : 2);
        near.sort((a, b) => a.d - b.d || likeness(a.word) - likeness(b.word) || (a.word < b.word ? -1 : 1));
        const best = near.length ? near[0].d : 0;
        for (const { word, d } of near.slice(0, 5)) {
          if (d === best) candidates.push({ term: word, weight: candidates.length ? 0.3 : 0.5 });
        }
        corrected = candidates.length > 0;
      }
      return { ...entry, term, candidates, corrected };
    });
  }

  /** Each page's first section: a posting numbers its sections within its page. */
  function firstSections(meta) {
    if (!meta.firstSection) {
      meta.firstSection = new Int32Array(meta.docs.length).fill(-1);
      meta.sections.forEach(([doc], section) => {
        if (meta.firstSection[doc] < 0) meta.firstSection[doc] = section;
      });
    }
    return meta.firstSection;
  }

  /** A term's shard entry, one list per page [page, forms, section, count, place,
   *  gaps...] (section within the page), as Map(section -> {forms, places}) (the
   *  page's written forms of the term and the places; a heading comes before its text)
   *  and the term's written forms anywhere in the book. */
  function postingsOf(meta, entry) {
    const first = firstSections(meta);
    const bySection = new Map();
    const bookForms = new Set();
    for (const list of entry) {
      const [doc, forms] = list;
      for (const form of forms) bookForms.add(form);
      for (let i = 2; i < list.length; ) {
        const count = list[i + 1];
        const places = [];
        let value = 0;
        for (const gap of list.slice(i + 2, i + 2 + count)) {
          value += gap; // each place after the first is its distance from the one before
          places.push({ place: Math.floor(value / meta.forms), form: value % meta.forms });
        }
        bySection.set(first[doc] + list[i], { forms, places });
        i += 2 + count;
      }
    }
    return { bySection, bookForms };
  }

  /** Whether a place of a page's ``forms`` code ``form`` holds the ``word`` typed: a
   *  page keeps its first FORMS - 1 written forms, the rest share the last code. A word
   *  the book never writes (only its stem's other forms) counts whole everywhere. */
  function isTypedWord(meta, word, forms, bookForms, form) {
    const known = forms.indexOf(word);
    if (known >= 0) return form === known;
    if (!bookForms.has(word)) return true;
    return forms.length >= meta.forms - 1 && form === meta.forms - 1;
  }

  async function postingsFor(meta, terms) {
    const names = [...new Set(terms.map((term) => `t${shardOf(term, meta.shards)}`))];
    const shards = await Promise.all(names.map(need));
    const byName = new Map(names.map((name, i) => [name, shards[i]]));
    const out = new Map();
    for (const term of terms) {
      const entry = byName.get(`t${shardOf(term, meta.shards)}`)[term];
      if (entry) out.set(term, postingsOf(meta, entry));
    }
    return out;
  }

  /** What a result is: a page, or one entry of the glossary or the resource pages (each
   *  entry is found on its own). Each section's result, and each result's length. */
  function resultsOf(meta) {
    if (meta.results) return meta.results;
    const unitOf = new Int32Array(meta.sections.length);
    const keys = new Map();
    const lengths = [];
    const isEntry = [];
    meta.sections.forEach(([doc, , , length], section) => {
      const entry = ENTRY_KINDS.has(meta.docs[doc][2]) && section > 0 && meta.sections[section - 1][0] === doc;
      const key = entry ? `s${section}` : `d${doc}`;
      if (!keys.has(key)) {
        keys.set(key, lengths.length);
        lengths.push(0);
        isEntry.push(entry);
      }
      unitOf[section] = keys.get(key);
      lengths[unitOf[section]] += length;
    });
    // Lengths are weighed against results of their own sort: a chapter against the
    // chapters, a glossary entry against the entries (far shorter, and many more).
    const mean = (entries) => {
      const own = lengths.filter((_, unit) => isEntry[unit] === entries);
      return own.reduce((a, b) => a + b, 0) / Math.max(1, own.length) || 1;
    };
    const means = [mean(false), mean(true)];
    const average = lengths.map((_, unit) => means[isEntry[unit] ? 1 : 0]);
    meta.results = { unitOf, lengths, average };
    return meta.results;
  }

  /** BM25's share of a word found ``count`` times in a text of ``length`` words. */
  function saturation(count, length, average) {
    return (count * 2.2) / (count + 1.2 * (0.25 + (0.75 * length) / average));
  }

  /** Ranks the results for the expanded query, best first, each with its best sections. */
  function rank(meta, query, postings, filters) {
    const { unitOf, lengths, average } = resultsOf(meta);
    const found = new Map(); // result -> {words: [{count, title, idf, weight}], sections: Map}
    for (const [index, entry] of query.entries()) {
      for (const candidate of entry.candidates) {
        const posting = postings.get(candidate.term);
        if (!posting) continue;
        const { bySection, bookForms } = posting;
        const units = new Set([...bySection.keys()].map((section) => unitOf[section]));
        const idf = Math.log(1 + (lengths.length - units.size + 0.5) / (units.size + 0.5));
        const perUnit = new Map();
        for (const [section, { forms, places }] of bySection) {
          // A word as typed counts whole, another form of it ("blog" for "blogging") less;
          // in a page's title it weighs most, in a section's heading less.
          const [doc, anchor, , , textStart] = meta.sections[section];
          const headingBonus = anchor ? HEADING_BONUS : (TITLE_BONUS[meta.docs[doc][2]] ?? 1);
          let count = 0;
          let bonus = 0;
          for (const { place, form } of places) {
            const typedWord = isTypedWord(meta, entry.word, forms, bookForms, form);
            if (place < textStart) bonus = Math.max(bonus, headingBonus * (typedWord ? 1 : OTHER_FORM));
            else count += typedWord ? 1 : OTHER_FORM;
          }
          const unit = unitOf[section];
          const sum = perUnit.get(unit) || { count: 0, bonus: 0 };
          perUnit.set(unit, { count: sum.count + count, bonus: Math.max(sum.bonus, bonus) });
          let result = found.get(unit);
          if (!result) {
            result = { words: new Array(query.length).fill(0), sections: new Map() };
            found.set(unit, result);
          }
          let part = result.sections.get(section);
          if (!part) {
            part = { score: 0, places: new Array(query.length).fill(null) };
            result.sections.set(section, part);
          }
          part.score += candidate.weight * idf * (count + bonus);
          part.places[index] = (part.places[index] || []).concat(places.map((p) => p.place));
        }
        for (const [unit, { count, bonus }] of perUnit) {
          const value = candidate.weight * idf * (saturation(count, lengths[unit], average[unit]) + bonus);
          const words = found.get(unit).words;
          words[index] = Math.max(words[index], value);
        }
      }
    }
    const typed = query.map((entry) => (entry.candidates[0] || entry).term);
    const results = [];
    for (const [unit, result] of found) {
      const sections = [...result.sections.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
      const docNumber = meta.sections[sections[0][0]][0];
      const doc = meta.docs[docNumber];
      if (!passes(meta, doc, filters)) continue;
      const matched = result.words.filter((value) => value > 0).length;
      let score = result.words.reduce((a, b) => a + b, 0) * (matched / query.length) ** 2;
      const phrases = sections.filter(([, part]) => query.length > 1 && hasPhrase(part.places));
      if (phrases.length) score *= 3;
      let titled = 1;
      for (const [section] of sections) {
        const title = meta.sections[section][2] || doc[1];
        titled = Math.max(titled, titleMatch(wordsOf(title).map((w) => stem(w.word)), typed));
      }
      // A result titled with the query is what the reader named, of whatever kind.
      score *= titled === EXACT_TITLE ? titled : titled * (KIND_WEIGHT[doc[2]] ?? 1);
      // Sections shown: those holding the phrase first, then by their own score.
      const ordered = [...phrases, ...sections.filter((item) => !phrases.includes(item))];
      const best = ordered[0][1].score;
      const shown = ordered.filter(([, part], i) => i === 0 || part.score >= best * 0.3).slice(0, SECTIONS_SHOWN);
      results.push({ unit, doc: docNumber, score, sections: shown.map(([section]) => ({ section })) });
    }
    return results.sort((a, b) => b.score - a.score || a.unit - b.unit);
  }

  /** A heading that is the query ranks its section far up; one that holds the query's
   *  words together ("Rust once, run everywhere" for "run everywhere"), less. */
  function titleMatch(title, typed) {
    if (title.length === 0) return 1;
    if (title.length === typed.length && title.every((term, i) => term === typed[i])) return EXACT_TITLE;
    // One word is no phrase: "StarCraft" does not make "DeepMind's StarCraft II agent" its title.
    if (typed.length === 1 ? title.length > 2 : typed.length * 4 < title.length) return 1;
    for (let start = 0; start + typed.length <= title.length; start++) {
      if (typed.every((term, i) => term === title[start + i])) return start === 0 ? 2.5 : 2;
    }
    return 1;
  }

  /** The query's words at consecutive places (stopwords keep their places). */
  function hasPhrase(places) {
    if (places.some((list) => list === null)) return false;
    const sets = places.map((list) => new Set(list));
    return places[0].some((start) => sets.every((set, i) => set.has(start + i)));
  }

  /** Whether a page passes the filters chosen (each a value, or "" for any). */
  function passes(meta, doc, filters) {
    const index = (key) => meta.filters[key].indexOf(filters[key]);
    if (filters.part && doc[3] !== index("part")) return false;
    if (filters.year && doc[4] !== index("year")) return false;
    if (filters.tag && !doc[5].includes(index("tag"))) return false;
    return true;
  }

  /** A window of the text around its first matched words, as [text, marked] pieces,
   *  cut at spaces; ``size`` 0: the whole text, its matched words marked. */
  function snippet(text, terms, size = 240) {
    const found = wordsOf(text).filter((entry) => terms.has(stem(entry.word)) || terms.has(entry.word));
    if (normalise(text).length !== text.length) return [[size ? text.slice(0, size) : text, false]];
    let start = 0;
    let end = text.length;
    if (size && text.length > size) {
      const first = found.length ? found[0].start : 0;
      start = Math.max(0, first - 60);
      const space = text.indexOf(" ", start);
      if (start > 0 && space >= 0 && space < first) start = space + 1;
      end = Math.min(text.length, start + size);
      const last = text.lastIndexOf(" ", end);
      if (end < text.length && last > start) end = last;
    }
    const pieces = [];
    let at = start;
    for (const entry of found) {
      if (entry.start < at || entry.end > end) continue;
      pieces.push([text.slice(at, entry.start), false], [text.slice(entry.start, entry.end), true]);
      at = entry.end;
    }
    pieces.push([text.slice(at, end), false]);
    if (start > 0) pieces.unshift(["… ", false]);
    if (end < text.length) pieces.push([" …", false]);
    return pieces.filter(([piece]) => piece);
  }

  /** The pieces of ``snippet`` as nodes: text, and <mark> around the matched words. */
  function marked(pieces) {
    return pieces.map(([piece, isMatch]) => (isMatch ? element("mark", {}, piece) : piece));
  }

  /** The query's words as the index reads them, and the results (pages, or entries of
   *  the reference pages), best first, each with its best sections. ``typing``: the
   *  last word may still grow. */
  async function search(text, filters = { part: "", tag: "", year: "" }, typing = false) {
    const meta = await need("meta");
    const queryWords = wordsOf(text);
    if (queryWords.length === 0) return { query: [], results: [] };
    const query = expand(meta, queryWords, typing && !/\s$/.test(text));
    const terms = query.flatMap((entry) => entry.candidates.map((candidate) => candidate.term));
    const postings = await postingsFor(meta, terms);
    return { query, results: rank(meta, query, postings, filters) };
  }

  // --- the page -------------------------------------------------------------------------

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    for (const child of children) node.append(child);
    return node;
  }

  function fillFilter(select, values, chosen) {
    for (const value of values) select.append(element("option", { value }, value));
    select.value = chosen;
    if (values.length === 0) select.closest("label").hidden = true;
  }

  async function start() {
    const container = document.querySelector(".book-search");
    if (!container) return;
    root = container.dataset.index.replace(/\/?$/, "/");
    stemmer = typeof Stemmer === "undefined" ? null : new Stemmer();
    const form = container.querySelector("form");
    const input = form.querySelector("input[name=q]");
    const status = container.querySelector("#book-search-status");
    const list = container.querySelector("#book-search-results");
    const more = container.querySelector("#book-search-more");
    const selects = { part: form.elements.part, tag: form.elements.tag, year: form.elements.year };
    const params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    status.textContent = "Loading the search index…";
    let meta;
    try {
      meta = await need("meta");
    } catch (error) {
      status.textContent = `Search is not available: ${error.message}.`;
      return;
    }
    for (const key of ["part", "tag", "year"]) fillFilter(selects[key], meta.filters[key], params.get(key) || "");
    let generation = 0;
    let timer = null;

    const run = async (typing) => {
      const mine = ++generation;
      const text = input.value;
      // Until this search shows, the results are not yet its own (tests wait on these).
      delete container.dataset.shown;
      delete container.dataset.snippets;
      const filters = { part: selects.part.value, tag: selects.tag.value, year: selects.year.value };
      const url = new URL(window.location.href);
      url.searchParams.set("q", text);
      for (const [key, value] of Object.entries(filters)) {
        if (value) url.searchParams.set(key, value);
        else url.searchParams.delete(key);
      }
      if (window.location.protocol !== "file:" || url.href.length < 2000) {
        try {
          history.replaceState(null, "", url);
        } catch (error) {
          // Some browsers refuse history changes for file:// pages; the search still works.
        }
      }
      const { query, results } = await search(text, filters, typing);
      if (mine !== generation) return;
      if (query.length === 0) {
        list.replaceChildren();
        more.hidden = true;
        status.textContent = "Type a word to search the book.";
        container.dataset.shown = text;
        return;
      }
      await show(meta, query, results, list, status, mine, text);
    };

    const show = async (meta, query, results, list, status, mine, text, limit = RESULTS_SHOWN) => {
      const corrected = query.some((entry) => entry.corrected);
      const note = corrected
        ? ` Showing results for “${query.map((e) => (e.corrected ? e.candidates[0].term : e.word)).join(" ")}”.`
        : "";
      status.textContent = results.length
        ? `${results.length} ${results.length === 1 ? "result" : "results"}.${note}`
        : `Nothing in the book has these words.${note}`;
      const terms = new Set(query.flatMap((entry) => entry.candidates.map((c) => c.term)));
      // The words to mark on the page opened (Sphinx's sphinx_highlight.js reads them).
      const highlight = query.map((entry) => (entry.corrected ? entry.candidates[0].term : entry.word)).join(" ");
      const shown = results.slice(0, limit);
      const items = shown.map((result) => {
        const doc = meta.docs[result.doc];
        const link = (section) => {
          const anchor = meta.sections[section][1];
          return `${doc[0]}?highlight=${encodeURIComponent(highlight)}${anchor ? `#${anchor}` : ""}`;
        };
        const first = result.sections[0].section;
        const entryTitle = ENTRY_KINDS.has(doc[2]) && meta.sections[first][1] ? meta.sections[first][2] : "";
        const item = element("li", { class: `book-search-result kind-${doc[2]}` });
        const titled = marked(snippet(entryTitle || doc[1], terms, 0));
        const heading = element("a", { class: "book-search-title", href: link(first) }, ...titled);
        item.append(heading);
        if (entryTitle) item.append(element("span", { class: "book-search-where" }, ` · ${doc[1]}`));
        const where = element("ul", { class: "book-search-sections" });
        for (const { section } of result.sections) {
          const title = meta.sections[section][2];
          const entry = element("li", { "data-section": String(section) });
          if (title && title !== doc[1] && title !== entryTitle) {
            const shown = marked(snippet(title, terms, 0));
            entry.append(element("a", { class: "book-search-section", href: link(section) }, ...shown));
          }
          entry.append(element("p", { class: "book-search-snippet" }));
          where.append(entry);
        }
        item.append(where);
        return item;
      });
      list.replaceChildren(...items);
      // More results a page at a time: the button says how many are left.
      const left = results.length - shown.length;
      more.hidden = left <= 0;
      more.textContent = `Show ${Math.min(left, RESULTS_SHOWN)} more (${left} not shown)`;
      more.onclick = () => {
        // The list is replaced before show's first wait (the snippets come after):
        // the keyboard moves to the first result added at once.
        const rendered = show(meta, query, results, list, status, mine, text, limit + RESULTS_SHOWN);
        list.querySelectorAll(":scope > li > a.book-search-title")[limit]?.focus();
        return rendered;
      };
      container.dataset.shown = text; // what the results are for (tests wait on it)
      const sections = shown.flatMap((result) => result.sections.map(({ section }) => section));
      const shards = [...new Set(sections.map((section) => `x${meta.texts[section]}`))];
      const texts = Object.assign({}, ...(await Promise.all(shards.map(need))));
      if (mine !== generation) return;
      for (const entry of list.querySelectorAll("li[data-section]")) {
        const pieces = snippet(texts[entry.dataset.section] || "", terms);
        entry.querySelector(".book-search-snippet").replaceChildren(...marked(pieces));
      }
      container.dataset.snippets = text;
    };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => run(true), 40);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(false);
    });
    for (const select of Object.values(selects)) select.addEventListener("change", () => run(false));
    // Arrow keys walk from the box through the results' links and back.
    container.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const links = [...list.querySelectorAll("a")];
      const at = links.indexOf(document.activeElement);
      if (document.activeElement === input && event.key === "ArrowDown" && links.length) links[0].focus();
      else if (at >= 0) (links[at + (event.key === "ArrowDown" ? 1 : -1)] || input).focus();
      else return;
      event.preventDefault();
    });
    input.focus();
    await run(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  return { loaded: loadedShard, search, isTypedWord };
})();
