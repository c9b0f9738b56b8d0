/*
 * downlevel.js - ES2015 syntax rewritten to the ES5.1 duktape reads, for scripts that do
 * not compile as they are (compiled into the helper after host.js; engine.c and the
 * host's eval/Function/__blocks call __downlevel(src) only after a SyntaxError, so an
 * ES5 script is never touched).
 *
 * A bounded token rewrite, not a compiler: the source is tokenized (strings, template
 * literals with their ${} expressions, regular expression literals by the usual
 * previous-token rule, comments dropped) and these constructs are rewritten, each from
 * the tokens around it:
 *   let / const            var (block scoping is lost: loop closures share one binding)
 *   `a${x}b`, tag`..`      ("a" + (x) + "b"), tag(["a","b"], x)
 *   class A extends B {}   a constructor function, prototype methods, statics, get/set,
 *                          super(...) and super.m(...)
 *   (a, b) => e, x => {}   (function (a, b) { return e; }) (.bind(this) when it uses this)
 *   defaults, ...rest,     in function parameters: statements at the start of the body
 *   destructuring params
 *   var {a, b: [c]} = e    one temporary and a var per name (nested, defaults, array rest)
 *   for (x of e)           an index loop over __iter(e) (arrays, strings, Map, Set,
 *                          Symbol.iterator objects)
 *   f(...a), [x, ...a]     f.apply(undefined, [].concat(...)), o.m(...a) via __call
 *   async / await          dropped (the emulated host answers synchronously)
 * Anything else (generators, destructuring assignment without var, object spread,
 * optional chaining) stays a SyntaxError: the run ends EMU_ERROR as before. Work is
 * bounded by the source: MAX_TOKENS tokens, each pass linear or quadratic in one
 * construct's tokens only; the interpreter's deadline covers the whole rewrite.
 */
(function (G) {
    'use strict';
    var MAX_TOKENS = 400000, tmp = 0;
    var RE_BEFORE = /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;
    function Tok(t, v, nl) { this.t = t; this.v = v; this.nl = nl; }

    /* one token per exec: every position matches some alternative (the last is any
       character), so a global regex walks the source natively */
    var TOKEN = '(\\s+)|(\\/\\/[^\\n\\r]*)|(\\/\\*[\\s\\S]*?(?:\\*\\/|$))|([A-Za-z_$\\u0080-\\uffff\\\\][\\w$\\u0080-\\uffff\\\\]*)|' +
        '((?:0[xXbBoO][\\da-fA-F_]+|\\d[\\d_]*\\.?[\\d_]*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)n?)|' +
        '("(?:[^"\\\\\\n]|\\\\[\\s\\S])*"?|\'(?:[^\'\\\\\\n]|\\\\[\\s\\S])*\'?)|(`)|(\\/)|' +
        '(>>>=|\\.\\.\\.|===|!==|\\*\\*=|<<=|>>=|>>>|=>|==|!=|<=|>=|&&|\\|\\||\\?\\?|\\?\\.|\\+\\+|--|\\+=|-=|\\*=|%=|&=|\\|=|\\^=|\\*\\*|<<|>>)|' +
        '([\\s\\S])';
    var REGEX_LIT = '\\/(?:[^\\/\\\\\\n\\r\\[]|\\\\.|\\[(?:[^\\]\\\\\\n\\r]|\\\\.)*\\])+\\/[\\w$]*';

    /* tokenize - the tokens of s; templates are {t:'tpl', q: [strings], x: [token lists]} */
    function tokenize(s, pos, stopAtBrace) {
        var out = [], n = s.length, nl = false, depth = 0, re = new RegExp(TOKEN, 'g'), rl = new RegExp(REGEX_LIT, 'g'), m;
        function prevAllowsRegex() {
            var p = out[out.length - 1];
            if (!p) return true;
            if (p.t === 'num' || p.t === 'str' || p.t === 'tpl' || p.t === 're') return false;
            if (p.t === 'id') return RE_BEFORE.test(p.v);
            return !(p.v === ')' || p.v === ']' || p.v === '}');
        }
        re.lastIndex = pos || 0;
        while (re.lastIndex < n && (m = re.exec(s)) !== null) {
            if (out.length > MAX_TOKENS) throw new SyntaxError('downlevel: too many tokens');
            var i = m.index, v = m[0];
            if (m[1] !== undefined || m[2] !== undefined || m[3] !== undefined) { /* space, comments */
                if (m[2] === undefined && /[\n\r\u2028\u2029]/.test(v)) nl = true;
                continue;
            }
            if (m[4] !== undefined) out.push(new Tok('id', v, nl));
            else if (m[5] !== undefined) out.push(new Tok('num', v.replace(/_/g, ''), nl));
            else if (m[6] !== undefined) out.push(new Tok('str', v.replace(/\\\r?\n/g, ''), nl));
            else if (m[7] !== undefined) { /* template: text, ${expr} (tokenized recursively) */
                var t = new Tok('tpl', null, nl), cur = '', k = i + 1;
                t.q = []; t.x = [];
                while (k < n && s.charAt(k) !== '`') {
                    var c = s.charAt(k);
                    if (c === '\\') { cur += s.slice(k, k + 2); k += 2; continue; }
                    if (c === '$' && s.charAt(k + 1) === '{') {
                        t.q.push(cur); cur = '';
                        var sub = tokenize(s, k + 2, true);
                        t.x.push(sub.toks);
                        k = sub.end + 1;
                        continue;
                    }
                    cur += c; k++;
                }
                t.q.push(cur);
                out.push(t);
                re.lastIndex = k + 1;
            } else if (m[8] !== undefined) { /* a regular expression, or division */
                rl.lastIndex = i;
                var r = prevAllowsRegex() ? rl.exec(s) : null;
                if (r && r.index === i) { out.push(new Tok('re', r[0], nl)); re.lastIndex = i + r[0].length; }
                else if (s.charAt(i + 1) === '=') { out.push(new Tok('p', '/=', nl)); re.lastIndex = i + 2; }
                else out.push(new Tok('p', '/', nl));
            } else {
                if (v === '?.' && /[0-9]/.test(s.charAt(i + 2))) { v = '?'; re.lastIndex = i + 1; }
                if (stopAtBrace) {
                    if (v === '{') depth++;
                    if (v === '}' && depth-- === 0) return { toks: out, end: i };
                }
                out.push(new Tok('p', v, nl));
            }
            nl = false;
        }
        if (stopAtBrace) return { toks: out, end: n };
        return out;
    }

    var OPEN = { '(': ')', '[': ']', '{': '}' }, CLOSE = { ')': '(', ']': '[', '}': '{' };
    function isP(t, v) { return t && t.t === 'p' && t.v === v; }
    function isId(t, v) { return t && t.t === 'id' && (v === undefined || t.v === v); }
    /* fwd - index of the closer matching the opener at i */
    function fwd(a, i) {
        for (var d = 0; i < a.length; i++) {
            if (a[i].t !== 'p') continue;
            if (OPEN[a[i].v]) d++;
            else if (CLOSE[a[i].v] && --d === 0) return i;
        }
        return a.length - 1;
    }
    /* back - index of the opener matching the closer at i */
    function back(a, i) {
        for (var d = 0; i >= 0; i--) {
            if (a[i].t !== 'p') continue;
            if (CLOSE[a[i].v]) d++;
            else if (OPEN[a[i].v] && --d === 0) return i;
        }
        return 0;
    }
    function P(v) { return new Tok('p', v, false); }
    function I(v) { return new Tok('id', v, false); }
    function S(v) { return new Tok('str', JSON.stringify(v), false); }
    function lex(s) { return tokenize(s); }
    /* split - the depth-0 comma-separated pieces of a[s..e) */
    function split(a, s, e) {
        var parts = [], cur = [];
        for (var i = s; i < e; i++) {
            if (isP(a[i], ',')) { parts.push(cur); cur = []; continue; }
            if (a[i].t === 'p' && OPEN[a[i].v]) { var m = fwd(a, i); cur = cur.concat(a.slice(i, m + 1)); i = m; continue; }
            cur.push(a[i]);
        }
        if (cur.length || parts.length) parts.push(cur);
        return parts;
    }
    /* add - the tokens of each list appended to out (in place: no copy of out) */
    function add(out) {
        for (var k = 1; k < arguments.length; k++) for (var j = 0; j < arguments[k].length; j++) out.push(arguments[k][j]);
        return out;
    }
    function join(parts) {
        var out = [];
        for (var i = 0; i < parts.length; i++) { if (i) out.push(P(',')); add(out, parts[i]); }
        return out;
    }
    var STMT = /^(var|let|const|function|class|if|for|while|do|return|switch|try|throw|break|continue)$/;
    /* exprEnd - end (exclusive) of the expression starting at i: a depth-0 , ; ) ] } or a
       new line that starts a statement */
    function exprEnd(a, i, stopAtComma) {
        for (; i < a.length; i++) {
            var t = a[i];
            if (t.t === 'p' && OPEN[t.v]) { i = fwd(a, i); continue; }
            if (t.t === 'p' && (CLOSE[t.v] || t.v === ';' || (stopAtComma && t.v === ','))) return i;
            if (t.nl && i > 0 && (isId(t) && STMT.test(t.v)) && a[i - 1].t !== 'p') return i;
            if (t.nl && i > 0 && a[i - 1].t !== 'p' && (t.t === 'id' || t.t === 'str' || t.t === 'num') && !isId(t, 'in') && !isId(t, 'instanceof')) return i;
        }
        return a.length;
    }

    /* ---- templates: ("a" + (x) + "b"); tag`a${x}` -> tag(["a"], x) */
    var ESC = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
    function cooked(q) { /* the string value of a template's text (its escapes applied) */
        return q.replace(/\r\n?/g, '\n').replace(/\\(u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|\r?\n|[\s\S])/g,
            function (m, e, cp, u, x) {
                if (cp) { var v = parseInt(cp, 16); return v > 0xffff ? String.fromCharCode(0xd800 + ((v - 0x10000) >> 10), 0xdc00 + ((v - 0x10000) & 1023)) : String.fromCharCode(v); }
                if (u || x) return String.fromCharCode(parseInt(u || x, 16));
                if (e.charAt(0) === '\n' || e.charAt(0) === '\r') return '';
                return Object.prototype.hasOwnProperty.call(ESC, e) ? ESC[e] : e;
            });
    }
    /* sub - a ${} expression rewritten, when it holds anything to rewrite */
    var MODERN = /^(=>|\.\.\.|class|let|const|of|async|await|function)$/;
    function sub(x) {
        for (var i = 0; i < x.length; i++) if (x[i].t === 'tpl' || MODERN.test(x[i].v)) return rewrite(x);
        return x;
    }
    function templates(a) {
        var out = [];
        for (var i = 0; i < a.length; i++) {
            var t = a[i];
            if (t.t !== 'tpl') { out.push(t); continue; }
            var prev = out[out.length - 1];
            var tagged = prev && (prev.t === 'id' && !RE_BEFORE.test(prev.v) || isP(prev, ')') || isP(prev, ']'));
            var k, r = [];
            if (tagged) {
                r.push(P('('), P('['));
                for (k = 0; k < t.q.length; k++) { if (k) r.push(P(',')); r.push(S(cooked(t.q[k]))); }
                r.push(P(']'));
                for (k = 0; k < t.x.length; k++) add(r, [P(','), P('(')], sub(t.x[k]), [P(')')]);
                r.push(P(')'));
            } else {
                r.push(P('('), S(cooked(t.q[0])));
                for (k = 0; k < t.x.length; k++) add(r, [P('+'), P('(')], sub(t.x[k]), [P(')'), P('+'), S(cooked(t.q[k + 1]))]);
                r.push(P(')'));
            }
            r[0].nl = t.nl;
            add(out, r);
        }
        return out;
    }

    /* ---- classes */
    function superCalls(a, base) {
        var out = [];
        for (var i = 0; i < a.length; i++) {
            if (isId(a[i], 'super') && isP(a[i + 1], '(')) {
                var m = fwd(a, i + 1), inner = a.slice(i + 2, m);
                add(out, lex(base + '.call(this' + (inner.length ? ',' : '')), inner, [P(')')]);
                i = m; continue;
            }
            if (isId(a[i], 'super') && isP(a[i + 1], '.') && isId(a[i + 2]) && isP(a[i + 3], '(')) {
                var m2 = fwd(a, i + 3), in2 = a.slice(i + 4, m2);
                add(out, lex(base + '.prototype.' + a[i + 2].v + '.call(this' + (in2.length ? ',' : '')), in2, [P(')')]);
                i = m2; continue;
            }
            if (isId(a[i], 'super') && isP(a[i + 1], '[')) { /* super[k](...) */
                var ke = fwd(a, i + 1);
                if (isP(a[ke + 1], '(')) {
                    var m3 = fwd(a, ke + 1), in3 = a.slice(ke + 2, m3);
                    add(out, lex(base + '.prototype'), a.slice(i + 1, ke + 1), lex('.call(this' + (in3.length ? ',' : '')), in3, [P(')')]);
                    i = m3; continue;
                }
            }
            if (isId(a[i], 'super') && (isP(a[i + 1], '.') || isP(a[i + 1], '['))) { add(out, lex(base + '.prototype')); continue; }
            out.push(a[i]);
        }
        return out;
    }
    function classes(a) {
        for (var guard = 0; guard < 1000; guard++) {
            var at = -1;
            for (var i = 0; i < a.length; i++)
                if (isId(a[i], 'class') && !isP(a[i - 1], '.') && (isId(a[i + 1]) || isP(a[i + 1], '{'))) { at = i; break; }
            if (at < 0) return a;
            var j = at + 1, name = null, base = null;
            if (isId(a[j]) && a[j].v !== 'extends') name = a[j++].v;
            var bs = j;
            if (isId(a[j], 'extends')) { bs = ++j; while (j < a.length && !isP(a[j], '{')) j++; base = a.slice(bs, j); }
            var e = fwd(a, j), body = a.slice(j + 1, e), cname = name || '$c' + (tmp++);
            var ctor = null, members = [];
            for (var k = 0; k < body.length;) {
                if (isP(body[k], ';')) { k++; continue; }
                var isStatic = false, kind = '';
                if (isId(body[k], 'static') && !isP(body[k + 1], '(')) { isStatic = true; k++; }
                if ((isId(body[k], 'get') || isId(body[k], 'set') || isId(body[k], 'async')) && !isP(body[k + 1], '(') && !isP(body[k + 1], '=')) kind = body[k++].v;
                if (isP(body[k], '*')) k++;
                var key;
                if (isP(body[k], '[')) { var km = fwd(body, k); key = body.slice(k + 1, km); k = km + 1; }
                else { key = [body[k].t === 'id' ? S(body[k].v) : body[k]]; k++; }
                if (isP(body[k], '=') || isP(body[k], ';') || (body[k] && body[k].nl)) { /* a field: its initializer is dropped */
                    var fe = exprEnd(body, k + 1);
                    k = isP(body[k], '=') ? fe : k;
                    continue;
                }
                var pe = fwd(body, k), be = fwd(body, pe + 1);
                var fn = [I('function')].concat(body.slice(k, be + 1));
                k = be + 1;
                if (!isStatic && key.length === 1 && key[0].t === 'str' && key[0].v === '"constructor"') ctor = fn;
                else members.push({ s: isStatic, kind: kind === 'async' ? '' : kind, key: key, fn: fn });
            }
            var sup = base ? '$super' : 'Object';
            var r = lex('(function (' + (base ? '$super' : '') + ') {');
            if (ctor) r = r.concat([I('function'), I(cname)], ctor.slice(1));
            else r = r.concat(lex('function ' + cname + '() {' + (base ? ' if (typeof $super === "function") $super.apply(this, arguments);' : '') + ' }'));
            if (base) r = r.concat(lex(cname + '.prototype = Object.create($super && $super.prototype || Object.prototype); ' +
                cname + '.prototype.constructor = ' + cname + '; for (var $k in $super) ' + cname + '[$k] = $super[$k];'));
            for (var m = 0; m < members.length; m++) {
                var mb = members[m], target = mb.s ? cname : cname + '.prototype';
                if (mb.kind) r = r.concat(lex('Object.defineProperty(' + target + ','), mb.key, lex(', {' + mb.kind + ':'), mb.fn, lex(', configurable: true });'));
                else r = r.concat(lex(target + '['), mb.key, [P(']'), P('=')], mb.fn, [P(';')]);
            }
            r = r.concat(lex('return ' + cname + '; })('), base || [], [P(')')]);
            r = superCalls(r, sup);
            var stmt = name && (at === 0 || isP(a[at - 1], ';') || isP(a[at - 1], '}') || isP(a[at - 1], '{') || a[at].nl);
            if (stmt) r = [I('var'), I(name), P('=')].concat(r, [P(';')]);
            r[0].nl = a[at].nl;
            a = a.slice(0, at).concat(r, a.slice(e + 1));
        }
        return a;
    }

    /* ---- let/const, async/await */
    function keywords(a) {
        var out = [];
        for (var i = 0; i < a.length; i++) {
            var t = a[i], nx = a[i + 1], pv = a[i - 1];
            if (isP(pv, '.')) { out.push(t); continue; }
            if ((isId(t, 'let') && (isId(nx) || isP(nx, '[') || isP(nx, '{'))) || (isId(t, 'const') && (isId(nx) || isP(nx, '[') || isP(nx, '{')))) { out.push(new Tok('id', 'var', t.nl)); continue; }
            if (isId(t, 'async') && (isId(nx, 'function') || isP(nx, '(') || (isId(nx) && isP(a[i + 2], '=>'))) && !(nx && nx.nl)) continue;
            if (isId(t, 'await') && nx && !isP(nx, ')') && !isP(nx, ';') && !isP(nx, '=')) continue;
            out.push(t);
        }
        return out;
    }

    /* ---- for (x of e) */
    function forOf(a) {
        for (var guard = 0; guard < 10000; guard++) {
            var at = -1, of = -1;
            for (var i = 0; i < a.length && at < 0; i++) {
                if (!isId(a[i], 'for') || !isP(a[i + 1], '(')) continue;
                var m = fwd(a, i + 1);
                for (var j = i + 2, d = 0; j < m; j++) {
                    if (a[j].t === 'p' && OPEN[a[j].v]) { j = fwd(a, j); continue; }
                    if (d === 0 && isId(a[j], 'of') && j > i + 2) { at = i; of = j; break; }
                    if (isP(a[j], ';')) break;
                }
            }
            if (at < 0) return a;
            var close = fwd(a, at + 1), bind = a.slice(at + 2, of), expr = a.slice(of + 1, close);
            var n = tmp++, iv = '$i' + n, av = '$a' + n;
            if (!isId(bind[0], 'var')) bind = bind.length === 1 ? bind : [I('var')].concat(bind);
            var head = lex('for (var ' + iv + ' = 0, ' + av + ' = __iter(').concat(expr, lex('); ' + iv + ' < ' + av + '.length; ' + iv + '++)'));
            var decl = (bind.length === 1 ? bind : bind).concat(lex(' = ' + av + '[' + iv + '];'));
            var rest;
            if (isP(a[close + 1], '{')) rest = [a[close + 1]].concat(decl, a.slice(close + 2));
            else {
                var se = close + 1;
                while (se < a.length && !isP(a[se], ';')) { if (a[se].t === 'p' && OPEN[a[se].v]) se = fwd(a, se); se++; }
                rest = [P('{')].concat(decl, a.slice(close + 1, se + 1), [P('}')], a.slice(se + 1));
            }
            head[0].nl = a[at].nl;
            a = a.slice(0, at).concat(head, rest);
        }
        return a;
    }

    /* ---- arrow functions */
    function usesThis(a, s, e) { for (var i = s; i < e; i++) if (isId(a[i], 'this') || isId(a[i], 'arguments')) return true; return false; }
    /* right to left, so an arrow's body holds no arrow left to rewrite. Edits are tokens
       put before (pre) or after (post) a token and a dropped "=>" (del), so brackets
       keep matching while the pass runs; flat() applies them in one linear walk */
    function arrows(a) {
        function before(t, toks) { t.pre = toks.concat(t.pre || []); }
        function after(t, toks) { t.post = (t.post || []).concat(toks); }
        var edited = false;
        for (var i = a.length - 1; i > 0; i--) {
            if (!isP(a[i], '=>') || a[i].del) continue;
            var paren = isP(a[i - 1], ')'), ps = paren ? back(a, i - 1) : i - 1, body0 = i + 1, be;
            if (body0 >= a.length) break;
            if (isP(a[body0], '{')) be = fwd(a, body0);
            else {
                be = exprEnd(a, body0, true) - 1;
                if (be < body0) break;
                before(a[body0], [P('{'), I('return')]);
                after(a[be], [P(';'), P('}')]);
            }
            after(a[be], usesThis(a, body0, be + 1) ? [P(')')].concat(lex('.bind(this)')) : [P(')')]);
            a[i].del = true;
            if (!paren) a[i].pre = [P(')')];
            before(a[ps], paren ? [P('('), I('function')] : [P('('), I('function'), P('(')]);
            edited = true;
            i = ps;
        }
        return edited ? flat(a) : a;
    }
    function flat(a) {
        var out = [];
        for (var i = 0; i < a.length; i++) {
            var t = a[i];
            if (t.pre) { t.pre[0].nl = t.nl; add(out, t.pre); }
            if (!t.del) out.push(t);
            if (t.post) add(out, t.post);
            t.pre = t.post = null;
        }
        return out;
    }

    /* ---- parameters: defaults, rest, patterns */
    function params(a) {
        for (var i = 0; i < a.length; i++) {
            if (!isId(a[i], 'function')) continue;
            var o = i + 1;
            if (isP(a[o], '*')) o++;
            if (isId(a[o])) o++;
            if (!isP(a[o], '(')) continue;
            var c = fwd(a, o);
            if (!isP(a[c + 1], '{')) continue;
            var parts = split(a, o + 1, c), pre = [], names = [], changed = false;
            for (var k = 0; k < parts.length; k++) {
                var p = parts[k];
                if (p.length === 1 && isId(p[0])) { names.push(p); continue; }
                changed = true;
                if (isP(p[0], '...')) {
                    pre = pre.concat([I('var')], p.slice(1), lex(' = Array.prototype.slice.call(arguments, ' + k + ');'));
                    continue;
                }
                var eq = -1;
                for (var q = 0; q < p.length; q++) { if (p[q].t === 'p' && OPEN[p[q].v]) { q = fwd(p, q); continue; } if (isP(p[q], '=')) { eq = q; break; } }
                var pat = eq < 0 ? p : p.slice(0, eq), nm = pat.length === 1 && isId(pat[0]) ? pat[0].v : '$p' + (tmp++);
                names.push([I(nm)]);
                if (eq >= 0) pre = pre.concat(lex('if (' + nm + ' === undefined) ' + nm + ' ='), p.slice(eq + 1), [P(';')]);
                if (nm.charAt(0) === '$') pre = pre.concat([I('var')], pat, lex(' = ' + nm + ';'));
            }
            if (!changed) continue;
            a = a.slice(0, o + 1).concat(join(names), [P(')'), P('{')], pre, a.slice(c + 2));
        }
        return a;
    }

    /* ---- var patterns */
    function pattern(pat, src, out) {
        var open = pat[0].v, parts = split(pat, 1, pat.length - 1);
        for (var k = 0; k < parts.length; k++) {
            var p = parts[k];
            if (!p.length) continue;
            var acc, target, def = null;
            if (isP(p[0], '...')) {
                out.push([I(p[1].v), P('=')].concat(lex(open === '[' ? src + '.slice(' + k + ')' : '{}')));
                continue;
            }
            var colon = -1, eq = -1;
            for (var q = 0; q < p.length; q++) {
                if (p[q].t === 'p' && OPEN[p[q].v]) { q = fwd(p, q); continue; }
                if (isP(p[q], ':') && colon < 0) colon = q;
                if (isP(p[q], '=') && eq < 0) eq = q;
            }
            if (open === '[') { acc = lex(src + '[' + k + ']'); target = eq < 0 ? p : p.slice(0, eq); }
            else {
                var key = p[0], kt = isP(key, '[') ? p.slice(1, fwd(p, 0)) : [key.t === 'id' ? S(key.v) : key];
                acc = lex(src + '[').concat(kt, [P(']')]);
                target = colon >= 0 ? p.slice(colon + 1, eq > colon ? eq : p.length) : [p[0]];
            }
            if (eq >= 0) def = p.slice(eq + 1);
            var val = def ? [P('(')].concat(acc, lex(' === undefined ? '), def, [P(':')], acc, [P(')')]) : acc;
            if (target.length === 1) out.push([target[0], P('=')].concat(val));
            else { var t = '$d' + (tmp++); out.push([I(t), P('=')].concat(val)); pattern(target, t, out); }
        }
    }
    function destructure(a) {
        for (var guard = 0; guard < 100000; guard++) {
            var at = -1;
            for (var i = 0; i < a.length; i++) {
                if (!(isP(a[i], '[') || isP(a[i], '{'))) continue;
                if (isId(a[i - 1], 'var') || (isP(a[i - 1], ',') && inVar(a, i - 1))) {
                    var m = fwd(a, i);
                    if (isP(a[m + 1], '=')) { at = i; break; }
                }
            }
            if (at < 0) return a;
            var pe = fwd(a, at), ee = exprEnd(a, pe + 2, true), t = '$d' + (tmp++), out = [];
            pattern(a.slice(at, pe + 1), t, out);
            var r = [I(t), P('=')].concat(a.slice(pe + 2, ee));
            for (var k = 0; k < out.length; k++) r = r.concat([P(',')], out[k]);
            a = a.slice(0, at).concat(r, a.slice(ee));
        }
        return a;
    }
    function inVar(a, i) {
        for (var d = 0; i >= 0; i--) {
            if (a[i].t === 'p' && CLOSE[a[i].v]) { i = back(a, i); continue; }
            if (a[i].t === 'p' && (OPEN[a[i].v] || a[i].v === ';')) return false;
            if (isId(a[i], 'var')) return true;
        }
        return false;
    }

    /* ---- spread in array literals and calls */
    function spread(a) {
        for (var guard = 0; guard < 100000; guard++) {
            var at = -1;
            for (var i = 0; i < a.length; i++) if (isP(a[i], '...')) { at = i; break; }
            if (at < 0) return a;
            var o = at;
            for (var d = 0; o >= 0; o--) {
                if (a[o].t === 'p' && CLOSE[a[o].v]) { o = back(a, o); continue; }
                if (a[o].t === 'p' && OPEN[a[o].v]) break;
            }
            if (o < 0 || a[o].v === '{') { a[at] = P('/*...*/'); a.splice(at, 1); continue; } /* object spread: not rewritten */
            var c = fwd(a, o), parts = split(a, o + 1, c), cat = [];
            for (var k = 0; k < parts.length; k++) {
                if (!parts[k].length) continue;
                if (isP(parts[k][0], '...')) cat.push([I('__sp'), P('(')].concat(parts[k].slice(1), [P(')')]));
                else cat.push([P('[')].concat(parts[k], [P(']')]));
            }
            var arr = lex('[].concat(').concat(join(cat), [P(')')]), pv = a[o - 1];
            var call = a[o].v === '(' && pv && (pv.t === 'id' && !RE_BEFORE.test(pv.v) && !/^(if|while|for|switch|catch|function)$/.test(pv.v) || isP(pv, ')') || isP(pv, ']'));
            if (a[o].v === '[' && !call) { arr[0].nl = a[o].nl; a = a.slice(0, o).concat(arr, a.slice(c + 1)); continue; }
            if (!call) { a.splice(at, 1); continue; }
            if (isId(pv) && isP(a[o - 2], '.')) { /* o.m(...x): __call(o, "m", args) */
                var s = o - 3;
                while (s > 0) {
                    if (a[s].t === 'p' && CLOSE[a[s].v]) { s = back(a, s); if (isId(a[s - 1]) || isP(a[s - 1], ']') || isP(a[s - 1], ')')) { s--; continue; } break; }
                    if (isP(a[s - 1], '.')) { s -= 2; continue; }
                    break;
                }
                var r = [I('__call'), P('(')].concat(a.slice(s, o - 2), [P(','), S(pv.v), P(',')], arr, [P(')')]);
                r[0].nl = a[s].nl;
                a = a.slice(0, s).concat(r, a.slice(c + 1));
            } else {
                a = a.slice(0, o).concat(lex('.apply(undefined,'), arr, [P(')')], a.slice(c + 1));
            }
        }
        return a;
    }

    function rewrite(a) {
        a = templates(a);
        a = classes(a);
        a = keywords(a);
        a = forOf(a);
        a = arrows(a);
        a = params(a);
        a = destructure(a);
        a = spread(a);
        return a;
    }
    function emit(a) {
        var out = [], prev = null;
        for (var i = 0; i < a.length; i++) {
            var t = a[i];
            if (t.nl) out.push('\n');
            else if (prev && /[\w$'"\/]$/.test(prev.v) && /^[\w$'"\/\\]/.test(t.v)) out.push(' ');
            else if (prev && prev.t === 'p' && t.t === 'p' && /^[+\-]/.test(t.v) && /[+\-]$/.test(prev.v)) out.push(' ');
            out.push(t.v);
            prev = t;
        }
        return out.join('');
    }
    G.__downlevel = function (src) {
        tmp = 0;
        return emit(rewrite(tokenize(String(src))));
    };

    /* the library half a down-levelled script expects */
    G.__sp = function (x) {
        if (x === null || x === undefined) return [];
        return __iter(x);
    };
    G.__call = function (o, k, args) { return o[k].apply(o, args); };
    G.__iter = function (x) {
        if (x === null || x === undefined) return [];
        if (typeof x === 'string' || Array.isArray(x)) return Array.prototype.slice.call(x);
        if (x.__entries) return x.__entries();
        if (typeof Symbol === 'function' && typeof x[Symbol.iterator] === 'function') {
            var it = x[Symbol.iterator](), r = [], s;
            for (var i = 0; i < 100000 && !(s = it.next()).done; i++) r.push(s.value);
            return r;
        }
        if (typeof x.length === 'number') return Array.prototype.slice.call(x);
        return [];
    };
    function Coll(isMap, init) {
        this.k = []; this.v = []; this.isMap = isMap;
        var a = __iter(init);
        for (var i = 0; i < a.length; i++) { if (isMap) this.set(a[i][0], a[i][1]); else this.add(a[i]); }
    }
    Coll.prototype = {
        find: function (k) { for (var i = 0; i < this.k.length; i++) if (this.k[i] === k || (k !== k && this.k[i] !== this.k[i])) return i; return -1; },
        get: function (k) { var i = this.find(k); return i < 0 ? undefined : this.v[i]; },
        set: function (k, v) { var i = this.find(k); if (i < 0) { this.k.push(k); this.v.push(v); } else this.v[i] = v; return this; },
        add: function (k) { return this.set(k, k); },
        has: function (k) { return this.find(k) >= 0; },
        'delete': function (k) { var i = this.find(k); if (i < 0) return false; this.k.splice(i, 1); this.v.splice(i, 1); return true; },
        clear: function () { this.k = []; this.v = []; },
        forEach: function (f, t) { for (var i = 0; i < this.k.length; i++) f.call(t, this.v[i], this.k[i], this); },
        keys: function () { return this.k.slice(); },
        values: function () { return this.v.slice(); },
        entries: function () { var r = []; for (var i = 0; i < this.k.length; i++) r.push([this.k[i], this.v[i]]); return r; },
        __entries: function () { return this.isMap ? this.entries() : this.k.slice(); }
    };
    Object.defineProperty(Coll.prototype, 'size', { get: function () { return this.k.length; } });
    if (typeof G.Map !== 'function') G.Map = function (init) { return new Coll(true, init); };
    if (typeof G.Set !== 'function') G.Set = function (init) { return new Coll(false, init); };
    if (typeof G.Promise !== 'function') { /* settled at once; then-callbacks run in order */
        var Prom = function (exec) {
            var self = this;
            this.ok = true; this.val = undefined;
            try { exec(function (v) { self.val = v; }, function (e) { self.ok = false; self.val = e; }); }
            catch (e) { this.ok = false; this.val = e; }
        };
        Prom.prototype.then = function (f, r) {
            var self = this;
            return new Prom(function (res, rej) {
                var h = self.ok ? f : r;
                if (typeof h !== 'function') { if (self.ok) res(self.val); else rej(self.val); return; }
                var v = h(self.val);
                res(v instanceof Prom ? v.val : v);
            });
        };
        Prom.prototype['catch'] = function (r) { return this.then(undefined, r); };
        Prom.prototype['finally'] = function (f) { if (typeof f === 'function') f(); return this; };
        Prom.resolve = function (v) { return v instanceof Prom ? v : new Prom(function (r) { r(v); }); };
        Prom.reject = function (e) { return new Prom(function (r, j) { j(e); }); };
        Prom.all = function (a) { var r = __iter(a).map(function (p) { return p instanceof Prom ? p.val : p; }); return Prom.resolve(r); };
        G.Promise = Prom;
    }
    if (!Object.entries) Object.entries = function (o) { return Object.keys(o).map(function (k) { return [k, o[k]]; }); };
    if (!Object.values) Object.values = function (o) { return Object.keys(o).map(function (k) { return o[k]; }); };
    if (!Array.prototype.fill) Array.prototype.fill = function (v, s, e) { for (var i = s || 0, n = e === undefined ? this.length : e; i < n; i++) this[i] = v; return this; };
    if (!Array.prototype.findIndex) Array.prototype.findIndex = function (f) { for (var i = 0; i < this.length; i++) if (f(this[i], i)) return i; return -1; };
    if (!Array.of) Array.of = function () { return Array.prototype.slice.call(arguments); };
    if (!Number.isInteger) Number.isInteger = function (v) { return typeof v === 'number' && isFinite(v) && Math.floor(v) === v; };
    if (!String.prototype.padEnd) String.prototype.padEnd = function (n, c) { var s = String(this); c = c === undefined ? ' ' : String(c); while (s.length < n) s += c; return s.slice(0, Math.max(n, String(this).length)); };
})(this);
