// MARK: - The widget's script

extension NextCharacterWidget {
  /// Plain JavaScript, no library: reads each widget's data island and runs it.
  ///
  /// The n-gram distribution is `NGramModel`'s (add-k smoothing, backing off past unseen
  /// contexts); the MiniGPT forward pass is `MiniGPT`'s (pre-LN blocks, causal attention, GELU
  /// with the same erf approximation, tied head); temperature is `NextCharacterMath.tempered`.
  /// Text from the data only ever reaches the page through `textContent`.
  static let script = #"""
  (function () {
    "use strict";

    // ---- Distributions -------------------------------------------------------------------

    function ngramDistribution(counts, ids) {
      var V = counts.vocabularySize, k = counts.smoothing;
      if (!counts.index) {
        counts.index = counts.levels.map(function (level) {
          var map = new Map();
          level.forEach(function (c) { map.set(c.key, c); });
          return map;
        });
      }
      // The longest context of at most order-1 ids that occurred, as NGramModel.context(of:).
      var length = Math.min(counts.order - 1, ids.length), context = null;
      while (length > 0) {
        var key = 0, power = 1;
        for (var back = 1; back <= length; back++) { key += ids[ids.length - back] * power; power *= V; }
        context = counts.index[length].get(key);
        if (context) break;
        length--;
      }
      if (length === 0) context = counts.index[0].get(0);
      var total = context ? context.total : 0, p = new Array(V).fill(k);
      if (context) context.following.forEach(function (tc) { p[tc[0]] += tc[1]; });
      var denominator = total + k * V;
      return p.map(function (x) { return x / denominator; });
    }

    function decodeWeights(w) {
      var bytes = atob(w.values), view = new DataView(new ArrayBuffer(bytes.length));
      for (var i = 0; i < bytes.length; i++) view.setUint8(i, bytes.charCodeAt(i));
      var values = new Float32Array(bytes.length / 4);
      for (var j = 0; j < values.length; j++) values[j] = view.getFloat32(4 * j, true);
      var at = {};
      w.tensors.forEach(function (t) { at[t.name] = t.offset; });
      return { values: values, at: at };
    }

    function layerNorm(x, n, d, W, wAt, bAt, eps) {
      var y = new Float64Array(n * d);
      for (var r = 0; r < n; r++) {
        var mean = 0, variance = 0;
        for (var i = 0; i < d; i++) mean += x[r * d + i];
        mean /= d;
        for (i = 0; i < d; i++) { var c = x[r * d + i] - mean; variance += c * c; }
        var s = 1 / Math.sqrt(variance / d + eps);
        for (i = 0; i < d; i++) y[r * d + i] = (x[r * d + i] - mean) * s * W[wAt + i] + W[bAt + i];
      }
      return y;
    }

    // y = x·Wᵀ + b, W stored [out, in] as PyTorch's Linear.
    function linear(x, n, inSize, outSize, W, wAt, bAt) {
      var y = new Float64Array(n * outSize);
      for (var r = 0; r < n; r++) {
        for (var o = 0; o < outSize; o++) {
          var sum = bAt < 0 ? 0 : W[bAt + o], row = wAt + o * inSize, xr = r * inSize;
          for (var i = 0; i < inSize; i++) sum += x[xr + i] * W[row + i];
          y[r * outSize + o] = sum;
        }
      }
      return y;
    }

    // Abramowitz–Stegun 7.1.26, the approximation FastMath.gaussianCDFAndDensity uses.
    function gelu(v) {
      for (var i = 0; i < v.length; i++) {
        var x = v[i], z = Math.abs(x) * 0.70710678, t = 1 / (1 + 0.3275911 * z);
        var poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        var e = 1 - poly * Math.exp(-0.5 * x * x);
        v[i] = x * 0.5 * (1 + (x < 0 ? -e : e));
      }
    }

    function attention(qkv, n, d, heads) {
      var hs = d / heads, y = new Float64Array(n * d), scale = 1 / Math.sqrt(hs), row = 3 * d;
      var scores = new Float64Array(n);
      for (var h = 0; h < heads; h++) {
        for (var t = 0; t < n; t++) {
          var peak = -Infinity;
          for (var u = 0; u <= t; u++) {
            var dot = 0;
            for (var i = 0; i < hs; i++) dot += qkv[t * row + h * hs + i] * qkv[u * row + d + h * hs + i];
            scores[u] = dot * scale;
            if (scores[u] > peak) peak = scores[u];
          }
          var total = 0;
          for (u = 0; u <= t; u++) { scores[u] = Math.exp(scores[u] - peak); total += scores[u]; }
          for (u = 0; u <= t; u++) {
            var weight = scores[u] / total;
            for (i = 0; i < hs; i++) y[t * d + h * hs + i] += weight * qkv[u * row + 2 * d + h * hs + i];
          }
        }
      }
      return y;
    }

    function minigptDistribution(m, ids) {
      var w = m.minigpt, W = m.decoded.values, at = m.decoded.at, d = w.embeddingSize, eps = w.layerNormEpsilon;
      // With no prompt, condition on a line break, as MiniGPTCharacterModel does.
      if (ids.length === 0) ids = [m.vocabulary.indexOf("\n") < 0 ? 0 : m.vocabulary.indexOf("\n")];
      ids = ids.slice(-w.contextLength);
      var n = ids.length, x = new Float64Array(n * d);
      for (var t = 0; t < n; t++) {
        for (var i = 0; i < d; i++) x[t * d + i] = W[at["tok.weight"] + ids[t] * d + i] + W[at["pos.weight"] + t * d + i];
      }
      for (var l = 0; l < w.layerCount; l++) {
        var p = "blocks." + l + ".";
        var h = layerNorm(x, n, d, W, at[p + "ln1.weight"], at[p + "ln1.bias"], eps);
        var qkv = linear(h, n, d, 3 * d, W, at[p + "qkv.weight"], at[p + "qkv.bias"]);
        var a = linear(attention(qkv, n, d, w.headCount), n, d, d, W, at[p + "proj.weight"], at[p + "proj.bias"]);
        for (i = 0; i < n * d; i++) x[i] += a[i];
        h = layerNorm(x, n, d, W, at[p + "ln2.weight"], at[p + "ln2.bias"], eps);
        var f = linear(h, n, d, 4 * d, W, at[p + "fc.weight"], at[p + "fc.bias"]);
        gelu(f);
        var o = linear(f, n, 4 * d, d, W, at[p + "out.weight"], at[p + "out.bias"]);
        for (i = 0; i < n * d; i++) x[i] += o[i];
      }
      var last = layerNorm(x.subarray((n - 1) * d), 1, d, W, at["ln.weight"], at["ln.bias"], eps);
      // The head is tied to the token embedding: logits = x·tokᵀ.
      var logits = linear(last, 1, d, w.vocabSize, W, at["tok.weight"], -1);
      var peak = Math.max.apply(null, logits), total = 0, probs = new Array(w.vocabSize);
      for (var v = 0; v < w.vocabSize; v++) { probs[v] = Math.exp(logits[v] - peak); total += probs[v]; }
      return probs.map(function (q) { return q / total; });
    }

    // p^(1/τ) renormalized, from log-ratios to the largest (NextCharacterMath.tempered).
    function tempered(p, temperature) {
      if (temperature === 1) return p.slice();
      var logs = p.map(function (q) { return q > 0 ? Math.log(q) : -Infinity; });
      var peak = Math.max.apply(null, logs);
      var weights = logs.map(function (l) { return isFinite(l) ? Math.exp((l - peak) / temperature) : 0; });
      var sum = weights.reduce(function (s, q) { return s + q; }, 0);
      return sum > 0 ? weights.map(function (q) { return q / sum; }) : p.slice();
    }

    // ---- Sampling: SplitMix64, as Categorical.draw ------------------------------------------

    function SplitMix64(seed) { this.state = BigInt.asUintN(64, BigInt(seed)); }
    SplitMix64.prototype.next = function () {
      this.state = BigInt.asUintN(64, this.state + 0x9E3779B97F4A7C15n);
      var z = this.state;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94D049BB133111EBn);
      return z ^ (z >> 31n);
    };
    function draw(p, rng) {
      var total = p.reduce(function (s, q) { return s + q; }, 0);
      var target = Number(rng.next() >> 11n) * Math.pow(2, -53) * total, cumulative = 0, lastPossible = 0;
      for (var i = 0; i < p.length; i++) {
        if (p[i] <= 0) continue;
        cumulative += p[i];
        lastPossible = i;
        if (target < cumulative) return i;
      }
      return lastPossible;
    }
    function argmax(p) { var best = 0; for (var i = 1; i < p.length; i++) if (p[i] > p[best]) best = i; return best; }
    function top(p, k) {
      return p.map(function (q, i) { return i; })
        .sort(function (a, b) { return p[a] !== p[b] ? p[b] - p[a] : a - b; }).slice(0, k);
    }
    function visible(c) { return c === " " ? "␣" : c === "\n" ? "⏎" : c === "\t" ? "⇥" : c; }

    // ---- One widget ---------------------------------------------------------------------------

    function start(root, number) {
      var data = JSON.parse(root.querySelector("script.widget-data").textContent);
      var $ = function (selector) { return root.querySelector(selector); };
      root.querySelectorAll("[id]").forEach(function (el) {
        var id = "ncw" + number + "-" + el.id.toLowerCase();
        root.querySelectorAll('[for="' + el.id + '"]').forEach(function (l) { l.setAttribute("for", id); });
        el.id = id;
      });
      var prompt = $(".prompt"), slider = $(".temperature"), bars = $(".bars"), status = $(".status");
      var state = { model: 0, timer: null, rng: new SplitMix64(data.seed) };
      data.models.forEach(function (m, i) {
        if (m.name === data.model) state.model = i;
        if (m.kind === "minigpt") m.decoded = decodeWeights(m.minigpt);
        m.ids = new Map(m.vocabulary.map(function (c, id) { return [c, id]; }));
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = m.name;
        b.title = m.summary;
        b.addEventListener("click", function () { state.model = i; update(); });
        $(".models").appendChild(b);
      });
      data.presets.forEach(function (text) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        b.addEventListener("click", function () { stop(); prompt.value = text; update(); });
        $(".presets").appendChild(b);
      });

      // The model's ids for the prompt; characters it does not know are left out (and named).
      function encode(m) {
        var ids = [], unknown = [];
        Array.from(prompt.value).forEach(function (c) {
          if (m.ids.has(c)) ids.push(m.ids.get(c)); else if (unknown.indexOf(c) < 0) unknown.push(c);
        });
        return { ids: ids, unknown: unknown };
      }
      function distribution() {
        var m = data.models[state.model], e = encode(m);
        var p = m.kind === "ngram" ? ngramDistribution(m.ngram, e.ids) : minigptDistribution(m, e.ids);
        return { model: m, unknown: e.unknown, raw: p, p: tempered(p, Number(slider.value)) };
      }
      function update() {
        var result = distribution(), p = result.p, m = result.model;
        root.querySelectorAll(".models button").forEach(function (b, i) {
          b.setAttribute("aria-pressed", String(i === state.model));
        });
        root.dataset.model = m.name;
        root.dataset.temperature = slider.value;
        $(".temperature-value").textContent = Number(slider.value).toFixed(1);
        var entropy = p.reduce(function (s, q) { return q > 0 ? s - q * Math.log2(q) : s; }, 0);
        status.textContent = m.name + " · temperature " + Number(slider.value).toFixed(1) + " · entropy "
          + entropy.toFixed(2) + " bits" + (result.unknown.length
            ? " · not in the vocabulary, left out: " + result.unknown.map(visible).join(" ") : "");
        bars.textContent = "";
        top(p, data.top).forEach(function (id) {
          var row = document.createElement("div"), label = document.createElement("span");
          var track = document.createElement("span"), fill = document.createElement("span");
          var value = document.createElement("span");
          row.className = "bar";
          row.setAttribute("role", "listitem");
          row.dataset.char = m.vocabulary[id];
          row.dataset.probability = String(p[id]);
          row.style.display = "contents";
          label.className = "bar-char";
          label.textContent = visible(m.vocabulary[id]);
          track.className = "bar-track";
          fill.className = "bar-fill";
          fill.style.display = "block";
          fill.style.width = (100 * p[id]).toFixed(3) + "%";   // absolute: 100% is the full width
          value.className = "bar-value";
          value.textContent = (100 * p[id]).toFixed(1) + "%";
          row.setAttribute("aria-label", "'" + visible(m.vocabulary[id]) + "' " + value.textContent);
          track.appendChild(fill);
          row.appendChild(label); row.appendChild(track); row.appendChild(value);
          bars.appendChild(row);
        });
        return result;
      }
      function stop() {
        if (state.timer !== null) clearTimeout(state.timer);
        state.timer = null;
        root.dataset.running = "false";
        $(".stop").disabled = true;
        $(".greedy").disabled = false;
        $(".sample").disabled = false;
      }
      // Appends one character per tick, so the text grows visibly and the bars follow it.
      function run(greedy) {
        stop();
        var left = data.steps;
        root.dataset.running = "true";
        $(".stop").disabled = false;
        $(".greedy").disabled = true;
        $(".sample").disabled = true;
        function tick() {
          var result = distribution();
          var id = greedy ? argmax(result.raw) : draw(result.p, state.rng);
          prompt.value += result.model.vocabulary[id];
          prompt.scrollTop = prompt.scrollHeight;
          update();
          left -= 1;
          if (left > 0) state.timer = setTimeout(tick, 50); else stop();
        }
        state.timer = setTimeout(tick, 50);
      }
      prompt.addEventListener("input", function () { stop(); update(); });
      slider.addEventListener("input", update);
      $(".greedy").addEventListener("click", function () { run(true); });
      $(".sample").addEventListener("click", function () { run(false); });
      $(".stop").addEventListener("click", stop);
      root.addEventListener("keydown", function (event) { if (event.key === "Escape") stop(); });
      prompt.value = data.prompt;
      slider.value = String(data.temperature);
      root.dataset.running = "false";
      update();
      root.dataset.ready = "true";
    }

    document.querySelectorAll('section.widget[data-widget-kind="next-character"]').forEach(function (root, number) {
      try { start(root, number); } catch (error) {
        root.dataset.ready = "error";
        var p = document.createElement("p");
        p.className = "expect fail";
        p.textContent = "The widget could not start: " + error;
        root.appendChild(p);
      }
    });
  })();
  """#
}
