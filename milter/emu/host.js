/*
 * host.js - the fake Windows Script Host and browser that fileless-emu runs scripts
 * against (compiled into the helper as a string; loaded into every fresh heap).
 *
 * Natives from engine.c: __rec(api, args...) records a call, __layer(how, value) hands
 * back a string or byte buffer the script produced, __quit() ends the run; __name is the
 * attachment's name, __kind 0 = WSH (WScript exists), 1 = browser page, 2 = HTA.
 * Nothing here touches anything real: the registry, file system and network are maps and
 * fixed answers. HTTP requests get the inert body INERT, so a file that holds it was
 * downloaded (taint: Run of such a file is recorded as RunDownloaded). Unknown members of
 * host objects are catch-all Proxies (callable and with any member) recorded once per
 * path as Member, so a script does not stop at the first member we did not model.
 */
(function (G) {
    'use strict';
    var rec = __rec, layer = __layer, quit = __quit, name = String(__name), kind = __kind;
    var INERT = 'FMEMU-INERT-BODY'; /* padded: droppers check the download's size */
    while (INERT.length < 4096) INERT += INERT;
    var clock = 1700000000000, seen = {}, nseen = 0, reg = {}, files = {}, tainted = {};
    var timers = [], blobs = {}, nblob = 0, realEval = eval, codeSeen = {}, ncode = 0;
    /* generated code as a layer, each distinct text once (anti-debug loops repeat it) */
    function code(how, s) {
        if (s.length < 16 || codeSeen[s] || ncode >= 500) return;
        codeSeen[s] = 1; ncode++;
        layer(how, s);
    }
    var USER = 'C:\\Users\\user', TEMP = USER + '\\AppData\\Local\\Temp';
    var ENV = {
        TEMP: TEMP, TMP: TEMP, APPDATA: USER + '\\AppData\\Roaming', LOCALAPPDATA: USER + '\\AppData\\Local',
        USERPROFILE: USER, USERNAME: 'user', COMPUTERNAME: 'DESKTOP-7Q2W3E', WINDIR: 'C:\\Windows',
        SYSTEMROOT: 'C:\\Windows', PROGRAMDATA: 'C:\\ProgramData', PUBLIC: 'C:\\Users\\Public',
        COMSPEC: 'C:\\Windows\\System32\\cmd.exe', HOMEDRIVE: 'C:', SYSTEMDRIVE: 'C:',
        PROGRAMFILES: 'C:\\Program Files', OS: 'Windows_NT', PROCESSOR_ARCHITECTURE: 'AMD64',
        USERDOMAIN: 'DESKTOP-7Q2W3E', NUMBER_OF_PROCESSORS: '4'
    };
    var FOLDERS = {
        startup: ENV.APPDATA + '\\Microsoft\\Windows\\Start Menu\\Programs\\Startup',
        desktop: USER + '\\Desktop', appdata: ENV.APPDATA, mydocuments: USER + '\\Documents',
        templates: ENV.APPDATA + '\\Microsoft\\Windows\\Templates', programs: ENV.APPDATA + '\\Microsoft\\Windows\\Start Menu\\Programs',
        allusersstartup: 'C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\Startup',
        localappdata: ENV.LOCALAPPDATA
    };
    function S(v) { try { return v === undefined ? '' : String(v); } catch (e) { return '?'; } }
    function lc(v) { return S(v).toLowerCase(); }
    function expand(s) {
        return S(s).replace(/%([^%]+)%/g, function (m, k) { var v = ENV[k.toUpperCase()]; return v === undefined ? m : v; });
    }
    function taintOf(s) { return S(s).indexOf(INERT) >= 0; }
    function normPath(p) { return expand(p).toLowerCase().replace(/\//g, '\\'); }
    /* a command line that starts a file this script downloaded */
    function runOf(api, cmd, args) {
        var c = expand(cmd) + (args ? ' ' + S(args) : ''), low = c.toLowerCase();
        rec(api, c);
        layer('cmd', c);
        for (var p in tainted)
            if (low.indexOf(p) >= 0 || low.indexOf(p.replace(/^.*\\/, '')) >= 0) { rec('RunDownloaded', c, p); break; }
    }
    function saveFile(api, path, data) {
        var p = normPath(path), d = data === undefined ? '' : data;
        files[p] = d;
        var t = taintOf(d) || (typeof d === 'object' && d && d.__inert);
        if (t) tainted[p] = 1;
        rec(api, expand(path), t ? 'downloaded' : 'script');
        if (!t) layer('file', typeof d === 'string' ? d : S(d));
    }

    /* catch-all: callable, any member, recorded once per path */
    function member(path) {
        if (!seen[path] && nseen < 200) { seen[path] = 1; nseen++; rec('Member', path); }
    }
    function mk(path, props) {
        props = props || {};
        return new Proxy(function () {}, {
            get: function (t, k) {
                if (typeof k !== 'string') return undefined;
                if (Object.prototype.hasOwnProperty.call(props, k)) return props[k];
                var kl = k.toLowerCase(), names = Object.getOwnPropertyNames(props);
                for (var i = 0; i < names.length; i++) if (names[i].toLowerCase() === kl) return props[names[i]];
                if (k === 'toString' || k === 'valueOf') return function () { return ''; };
                if (k === 'length') return 0;
                if (k === 'then') return undefined;
                member(path + '.' + k);
                return mk(path + '.' + k);
            },
            set: function (t, k, v) {
                if (typeof k !== 'string') return true;
                var kl = k.toLowerCase(), names = Object.getOwnPropertyNames(props);
                for (var i = 0; i < names.length; i++) if (names[i].toLowerCase() === kl) { k = names[i]; break; }
                props[k] = v;
                return true;
            },
            has: function () { return true; },
            apply: function (t, self, args) {
                var a = []; for (var i = 0; i < args.length && i < 6; i++) a.push(S(args[i]));
                rec.apply(null, ['Call', path].concat(a));
                return mk(path + '()');
            },
            construct: function () { member('new ' + path); return mk('new ' + path); }
        });
    }
    /* an object whose listed members are real and whose other members are catch-alls */
    function obj(path, props) { return mk(path, props); }
    function coll(items) {
        var c = { Count: items.length, length: items.length, Item: function (i) { return items[i]; }, item: function (i) { return items[i]; } };
        for (var i = 0; i < items.length; i++) c[i] = items[i];
        c.__items = items;
        return c;
    }

    /* ------------------------------------------------------------ WScript.Shell */
    /* the SYSTEM and USER tables hold the registry's unexpanded REG_EXPAND_SZ values
       (droppers compare ComSpec with "%SystemRoot%\system32\cmd.exe" to spot sandboxes) */
    var ENV_REG = { system: { COMSPEC: '%SystemRoot%\\system32\\cmd.exe', TEMP: '%SystemRoot%\\TEMP', TMP: '%SystemRoot%\\TEMP',
        WINDIR: '%SystemRoot%' }, user: { TEMP: '%USERPROFILE%\\AppData\\Local\\Temp', TMP: '%USERPROFILE%\\AppData\\Local\\Temp' } };
    function envObj(type) {
        var raw = ENV_REG[lc(type)] || {};
        var f = function (k) { var u = S(k).toUpperCase(); return raw[u] || ENV[u] || ''; };
        f.Item = f; f.item = f; f.Remove = function (k) { rec('EnvRemove', S(type), S(k)); };
        return f;
    }
    function special(k) { return FOLDERS[lc(k).replace(/\s/g, '')] || USER; }
    special.Item = special; special.item = special;
    function shortcut(path) {
        var s = { TargetPath: '', Arguments: '', WorkingDirectory: '', WindowStyle: 1, IconLocation: '', Description: '', Hotkey: '' };
        s.Save = function () { rec('CreateShortcut', expand(path), S(s.TargetPath), S(s.Arguments)); };
        return obj('Shortcut', s);
    }
    function exec(cmd) {
        runOf('Exec', cmd);
        var out = { ReadAll: function () { return ''; }, ReadLine: function () { return ''; }, AtEndOfStream: true, Read: function () { return ''; } };
        return obj('Exec', { Status: 1, ProcessID: 4242, ExitCode: 0, StdOut: out, StdErr: out,
            StdIn: { Write: function () {}, WriteLine: function () {}, Close: function () {} }, Terminate: function () {} });
    }
    function shell() {
        return obj('WScript.Shell', {
            Run: function (cmd, style, wait) { runOf('Run', cmd); return 0; },
            Exec: exec,
            RegWrite: function (k, v, t) {
                reg[lc(k)] = v;
                rec('RegWrite', S(k), S(v), S(t || 'REG_SZ'));
                if (S(v).length > 0) layer('regvalue', S(v));
            },
            RegRead: function (k) {
                rec('RegRead', S(k));
                var v = reg[lc(k)];
                if (v !== undefined) return v;
                if (/productname$/i.test(S(k))) return 'Windows 10 Pro';
                if (/currentversion$/i.test(S(k))) return '6.3';
                return '';
            },
            RegDelete: function (k) { delete reg[lc(k)]; rec('RegDelete', S(k)); },
            ExpandEnvironmentStrings: expand,
            CreateShortcut: shortcut,
            Environment: envObj,
            SpecialFolders: special,
            Popup: function (t) { rec('Popup', S(t)); return 1; },
            SendKeys: function (k) { rec('SendKeys', S(k)); },
            AppActivate: function () { return true; },
            LogEvent: function () { return true; },
            CurrentDirectory: TEMP
        });
    }

    /* ---------------------------------------------------- Scripting.FileSystemObject */
    function textStream(path, append) {
        var p = normPath(path), buf = append && typeof files[p] === 'string' ? files[p] : '', pos = 0;
        var content = typeof files[p] === 'string' ? files[p] : '';
        var t = {
            Write: function (s) { buf += S(s); }, WriteLine: function (s) { buf += S(s) + '\r\n'; },
            WriteBlankLines: function (n) { for (var i = 0; i < n; i++) buf += '\r\n'; },
            ReadAll: function () { return content; },
            ReadLine: function () { var i = content.indexOf('\n', pos); var r = content.slice(pos, i < 0 ? content.length : i); pos = i < 0 ? content.length : i + 1; return r.replace(/\r$/, ''); },
            Read: function (n) { var r = content.substr(pos, n); pos += r.length; return r; },
            Skip: function (n) { pos += n; }, SkipLine: function () { t.ReadLine(); },
            Close: function () { if (buf.length) saveFile('WriteFile', path, buf); }
        };
        Object.defineProperty(t, 'AtEndOfStream', { get: function () { return pos >= content.length; } });
        return obj('TextStream', t);
    }
    function fileObj(path) {
        var n = S(path).replace(/^.*[\\\/]/, '');
        return obj('File', { Path: S(path), Name: n, ShortName: n, Size: 4096, Attributes: 32, Type: 'File',
            DateCreated: new Date(clock), DateLastModified: new Date(clock),
            Copy: function (d) { rec('CopyFile', S(path), S(d)); copyTaint(path, d); },
            Move: function (d) { rec('MoveFile', S(path), S(d)); copyTaint(path, d); },
            Delete: function () { rec('DeleteFile', S(path)); },
            OpenAsTextStream: function (m) { return textStream(path, m === 8); } });
    }
    function copyTaint(a, b) { var s = normPath(a), d = normPath(b); if (tainted[s]) tainted[d] = 1; if (files[s] !== undefined) files[d] = files[s]; }
    function folderObj(path) {
        return obj('Folder', { Path: S(path), Name: S(path).replace(/^.*\\/, ''), Files: coll([]), SubFolders: coll([]),
            toString: function () { return S(path); }, Delete: function () { rec('DeleteFolder', S(path)); } });
    }
    function fso() {
        var folders = [ENV.WINDIR, ENV.WINDIR + '\\System32', TEMP];
        return obj('Scripting.FileSystemObject', {
            CreateTextFile: function (p) { return textStream(p, false); },
            OpenTextFile: function (p, mode) { return textStream(p, mode === 8); },
            FileExists: function (p) { return files[normPath(p)] !== undefined; },
            FolderExists: function () { return true; },
            DriveExists: function () { return true; },
            GetFile: fileObj,
            GetFolder: folderObj,
            GetSpecialFolder: function (n) { return folderObj(folders[n] || TEMP); },
            GetTempName: function () { return 'rad' + (clock % 100000).toString(16).toUpperCase() + '.tmp'; },
            BuildPath: function (a, b) { return S(a).replace(/\\$/, '') + '\\' + S(b); },
            GetFileName: function (p) { return S(p).replace(/^.*[\\\/]/, ''); },
            GetBaseName: function (p) { return S(p).replace(/^.*[\\\/]/, '').replace(/\.[^.]*$/, ''); },
            GetExtensionName: function (p) { var m = /\.([^.\\\/]*)$/.exec(S(p)); return m ? m[1] : ''; },
            GetParentFolderName: function (p) { return S(p).replace(/[\\\/][^\\\/]*$/, ''); },
            GetAbsolutePathName: function (p) { return S(p); },
            CopyFile: function (a, b) { rec('CopyFile', S(a), S(b)); copyTaint(a, b); },
            MoveFile: function (a, b) { rec('MoveFile', S(a), S(b)); copyTaint(a, b); },
            DeleteFile: function (p) { rec('DeleteFile', S(p)); },
            CreateFolder: function (p) { rec('CreateFolder', S(p)); return folderObj(p); },
            DeleteFolder: function (p) { rec('DeleteFolder', S(p)); }
        });
    }

    /* ------------------------------------------------------------------ ADODB.Stream */
    function stream() {
        var data = '', st = { Type: 1, Charset: '', Mode: 3, Position: 0, LineSeparator: -1 };
        st.Open = function () {}; st.Close = function () {}; st.Flush = function () {};
        st.Write = function (b) { data += typeof b === 'object' && b && b.__inert ? INERT : S(b); };
        st.WriteText = function (t) { data += S(t); };
        st.ReadText = function () { return data; };
        st.Read = function () { return data; };
        st.SaveToFile = function (p) { saveFile('SaveToFile', p, data); };
        st.LoadFromFile = function (p) { var v = files[normPath(p)]; data = v === undefined ? '' : S(v); };
        st.CopyTo = function (o) { if (o && o.WriteText) o.WriteText(data); };
        st.SetEOS = function () { data = data.slice(0, st.Position); };
        Object.defineProperty(st, 'Size', { get: function () { return data.length; } });
        Object.defineProperty(st, 'EOS', { get: function () { return st.Position >= data.length; } });
        return obj('ADODB.Stream', st);
    }

    /* ------------------------------------------------------------------------ HTTP */
    function http(progid) {
        var url = '', method = '', h = { status: 200, Status: 200, readyState: 4, ReadyState: 4, statusText: 'OK',
            responseText: INERT, ResponseText: INERT, responseBody: { __inert: true, toString: function () { return INERT; } },
            responseXML: null, onreadystatechange: null, onload: null, WaitForResponse: function () { return true; } };
        h.ResponseBody = h.responseBody;
        h.response = INERT;
        h.open = h.Open = function (m, u) { method = S(m); url = S(u); rec('HttpOpen', method, url, progid); };
        h.send = h.Send = function (body) {
            rec('HttpSend', url, S(body || '').slice(0, 4096));
            var f = h.onreadystatechange || h.onload; if (typeof f === 'function') try { f.call(h); } catch (e) {}
        };
        h.setRequestHeader = h.SetRequestHeader = function () {};
        h.getResponseHeader = h.GetResponseHeader = function () { return ''; };
        h.getAllResponseHeaders = h.GetAllResponseHeaders = function () { return ''; };
        h.setOption = h.SetOption = h.SetTimeouts = h.setTimeouts = h.SetProxy = h.abort = function () {};
        h.Option = function () { return ''; };
        return obj(progid, h);
    }

    /* ------------------------------------------- MSXML DOM (bin.base64 decoding trick) */
    function xmlDoc() {
        return obj('MSXML2.DOMDocument', {
            createElement: function (t) {
                var e = { dataType: '', text: '', nodeName: S(t) };
                Object.defineProperty(e, 'nodeTypedValue', {
                    get: function () { return /base64/i.test(e.dataType) ? atob(S(e.text).replace(/\s/g, '')) : e.text; },
                    set: function (v) { e.text = /base64/i.test(e.dataType) ? btoa(S(v)) : S(v); }
                });
                return obj('XMLElement', e);
            },
            loadXML: function (x) { layer('xml', S(x)); return true; }, load: function (u) { rec('HttpOpen', 'GET', S(u), 'XMLDOM.load'); return true; },
            async: false, setProperty: function () {}
        });
    }

    /* -------------------------------------------------------- WMI, tasks, Shell.App */
    function wmiInstance(cls) {
        var props = {};
        var o = { Properties_: obj('Properties_', { Item: function (k) { return { Value: props[k] }; } }),
            Put_: function () {
                var s = []; for (var k in props) if (typeof props[k] !== 'function') s.push(k + '=' + S(props[k]));
                rec('WMIPut', cls, s.join('; '));
                return obj('ObjectPath', { Path: cls });
            }, SpawnInstance_: function () { return wmiInstance(cls); } };
        return new Proxy(o, {
            get: function (t, k) { return k in t ? t[k] : props[k]; },
            set: function (t, k, v) { props[k] = v; return true; }
        });
    }
    function wmiClass(cls) {
        var c = wmiInstance(cls);
        if (/^win32_process$/i.test(cls))
            return obj('Win32_Process', { Create: function (cmd) { runOf('Win32_Process.Create', cmd); return 0; },
                SpawnInstance_: function () { return wmiInstance(cls); }, Methods_: mk('Win32_Process.Methods_') });
        return c;
    }
    function wmi(moniker) {
        return obj('WMI', {
            Get: function (p) { return wmiClass(S(p).replace(/^.*:/, '')); },
            ExecQuery: function (q) { rec('WMIQuery', S(q)); return coll([]); },
            ExecNotificationQuery: function (q) { rec('WMINotification', S(q)); return mk('EventSource'); },
            ExecMethod: function (c, m) { rec('WMIMethod', S(c), S(m)); return mk('OutParams'); },
            InstancesOf: function (c) { rec('WMIQuery', 'InstancesOf ' + S(c)); return coll([]); },
            Security_: mk('Security_'), Moniker: S(moniker)
        });
    }
    function scheduler() {
        function taskDef() {
            var actions = [], triggers = [];
            return obj('TaskDefinition', {
                Actions: obj('Actions', { Create: function (t) { var a = { Path: '', Arguments: '', Type: t }; actions.push(a); return obj('Action', a); } }),
                Triggers: obj('Triggers', { Create: function (t) { var x = { Type: t }; triggers.push(x); return obj('Trigger', x); } }),
                Settings: obj('Settings', {}), RegistrationInfo: obj('RegistrationInfo', {}), Principal: obj('Principal', {}),
                __actions: actions, __triggers: triggers
            });
        }
        var folder = obj('TaskFolder', {
            RegisterTaskDefinition: function (n, d) {
                var acts = d && d.__actions ? d.__actions : [], s = [];
                for (var i = 0; i < acts.length; i++) s.push(expand(S(acts[i].Path) + ' ' + S(acts[i].Arguments)));
                rec('RegisterTask', S(n), s.join(' ; '));
                for (var j = 0; j < s.length; j++) layer('cmd', s[j]);
                return mk('RegisteredTask');
            },
            GetTasks: function () { return coll([]); }, GetFolder: function () { return folder; }
        });
        return obj('Schedule.Service', { Connect: function () {}, GetFolder: function () { return folder; }, NewTask: taskDef });
    }
    function shellApp() {
        return obj('Shell.Application', {
            ShellExecute: function (f, a, d, verb) { runOf('ShellExecute', S(f), a ? S(a) : ''); if (verb) rec('ShellVerb', S(verb)); },
            Namespace: function (p) { return folderObj(S(p)); }, Open: function (p) { runOf('ShellExecute', S(p)); }
        });
    }

    /* ------------------------------------------------------------ object factory */
    function create(progid, how) {
        var p = lc(progid).replace(/\s/g, '');
        rec(how || 'CreateObject', S(progid));
        if (p === 'wscript.shell') return shell();
        if (p === 'scripting.filesystemobject') return fso();
        if (p === 'adodb.stream') return stream();
        if (/^(msxml2|microsoft)\.(server)?xmlhttp/.test(p) || /^winhttp\.winhttprequest/.test(p)) return http(S(progid));
        if (/domdocument|microsoft\.xmldom/.test(p)) return xmlDoc();
        if (p === 'shell.application') return shellApp();
        if (p === 'schedule.service') return scheduler();
        if (p === 'wbemscripting.swbemlocator')
            return obj('SWbemLocator', { ConnectServer: function (h, ns) { return wmi(S(ns)); } });
        /* a ProgID is Library.Class or a CLSID: anything else fails as on Windows
           ("Automation server can't create object"), which droppers probe for */
        if (!/[.{]/.test(p) && !/^(new|clsid):/.test(p)) throw new Error("Automation server can't create object");
        if (p === 'scripting.dictionary') {
            var d = {}, o = { Add: function (k, v) { d[k] = v; }, Exists: function (k) { return k in d; }, Item: function (k) { return d[k]; },
                Remove: function (k) { delete d[k]; }, Keys: function () { return Object.keys(d); }, Items: function () { return Object.keys(d).map(function (k) { return d[k]; }); } };
            Object.defineProperty(o, 'Count', { get: function () { return Object.keys(d).length; } });
            return obj('Scripting.Dictionary', o);
        }
        return mk(S(progid));
    }
    function getObject(path) {
        var p = S(path);
        rec('GetObject', p);
        if (/^winmgmts:/i.test(p)) { var m = /:(win32_\w+)$/i.exec(p); return m ? wmiClass(m[1]) : wmi(p); }
        if (/^script:/i.test(p)) layer('cmd', p);
        return mk('GetObject');
    }
    G.ActiveXObject = function (progid) { return create(progid); };
    G.GetObject = getObject;
    G.CreateObject = function (p) { return create(p); };
    G.Enumerator = function (c) {
        var items = c && c.__items ? c.__items : (c instanceof Array ? c : []), i = 0;
        this.atEnd = function () { return i >= items.length; }; this.moveNext = function () { i++; };
        this.item = function () { return items[i]; }; this.moveFirst = function () { i = 0; };
    };
    G.VBArray = function (a) { this.toArray = function () { return a instanceof Array ? a : []; }; this.ubound = function () { return a instanceof Array ? a.length - 1 : -1; }; };
    G.ScriptEngine = function () { return 'JScript'; };
    G.ScriptEngineMajorVersion = function () { return 5; };
    G.ScriptEngineMinorVersion = function () { return 8; };
    G.ScriptEngineBuildVersion = function () { return 16384; };

    if (kind === 0) {
        var args = coll([]);
        args.Named = obj('Named', { Count: 0, Exists: function () { return false; } }); args.Unnamed = coll([]);
        var wsh = obj('WScript', {
            CreateObject: function (p) { return create(p); }, GetObject: getObject,
            Sleep: function (ms) { clock += Number(ms) || 0; },
            Quit: function () { quit(); }, Echo: function () { rec('Echo', Array.prototype.join.call(arguments, ' ')); },
            Arguments: args, ScriptFullName: TEMP + '\\' + name, ScriptName: name, Path: 'C:\\Windows\\System32',
            FullName: 'C:\\Windows\\System32\\wscript.exe', Name: 'Windows Script Host', Version: '5.812', BuildVersion: 16384,
            Interactive: true, Timeout: 0, StdOut: { Write: function () {}, WriteLine: function () {} },
            StdErr: { Write: function () {}, WriteLine: function () {} },
            ConnectObject: function () {}, DisconnectObject: function () {}
        });
        /* the first use of WScript is recorded (Host): a script that touches it is no
           browser library, even when it only sleeps or reads its own name */
        var wshUsed = false;
        var wshGet = function () { if (!wshUsed) { wshUsed = true; rec('Host', 'WScript'); } return wsh; };
        Object.defineProperty(G, 'WScript', { get: wshGet, configurable: true });
        Object.defineProperty(G, 'WSH', { get: wshGet, configurable: true });
    }

    /* ------------------------------------------------------------------ browser */
    var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    function atob(s) {
        s = S(s).replace(/[^A-Za-z0-9+\/]/g, '');
        var o = [], bits = 0, n = 0;
        for (var i = 0; i < s.length; i++) {
            bits = (bits << 6) | B64.indexOf(s.charAt(i)); n += 6;
            if (n >= 8) { n -= 8; o.push(String.fromCharCode((bits >> n) & 255)); }
            if (o.length >= 65536) { o = [o.join('')]; }
        }
        return o.join('');
    }
    function btoa(s) {
        s = S(s); var o = [];
        for (var i = 0; i < s.length; i += 3) {
            var a = s.charCodeAt(i) & 255, b = i + 1 < s.length ? s.charCodeAt(i + 1) & 255 : 0, c = i + 2 < s.length ? s.charCodeAt(i + 2) & 255 : 0;
            o.push(B64.charAt(a >> 2) + B64.charAt(((a & 3) << 4) | (b >> 4)) + (i + 1 < s.length ? B64.charAt(((b & 15) << 2) | (c >> 6)) : '=') + (i + 2 < s.length ? B64.charAt(c & 63) : '='));
        }
        return o.join('');
    }
    G.atob = atob; G.btoa = btoa;
    function bytesOf(part) {
        if (part instanceof Uint8Array) return part;
        if (part instanceof ArrayBuffer) return new Uint8Array(part);
        if (part && part.buffer instanceof ArrayBuffer) return new Uint8Array(part.buffer, part.byteOffset || 0, part.byteLength);
        if (part && part.__bytes) return part.__bytes;
        var s = S(part), u = unescape(encodeURIComponent(s)), a = new Uint8Array(u.length);
        for (var i = 0; i < u.length; i++) a[i] = u.charCodeAt(i);
        return a;
    }
    function Blob(parts, opts) {
        var list = [], total = 0;
        parts = parts || [];
        for (var i = 0; i < parts.length; i++) { var b = bytesOf(parts[i]); list.push(b); total += b.length; }
        var all = new Uint8Array(total), off = 0;
        for (var j = 0; j < list.length; j++) { all.set(list[j], off); off += list[j].length; }
        this.__bytes = all; this.size = total; this.type = opts && opts.type ? S(opts.type) : '';
    }
    Blob.prototype.slice = function (a, b) { var x = new Blob([]); x.__bytes = this.__bytes.subarray(a || 0, b === undefined ? this.size : b); x.size = x.__bytes.length; return x; };
    G.Blob = Blob;
    G.File = function (parts, fname, opts) { Blob.call(this, parts, opts); this.name = S(fname); };
    function saveBlob(b, fname, api) {
        var bytes = b && b.__bytes ? b.__bytes : bytesOf(b);
        rec(api, S(fname), S(bytes.length), b && b.type ? S(b.type) : '');
        layer('blob', bytes, S(fname));
    }
    var URLo = {
        createObjectURL: function (b) { var u = 'blob:https://local/' + (++nblob); blobs[u] = b; return u; },
        revokeObjectURL: function () {}
    };
    G.URL = URLo; G.webkitURL = URLo;
    G.navigator = obj('navigator', { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        platform: 'Win32', language: 'en-US', appName: 'Netscape', cookieEnabled: true, webdriver: false,
        msSaveOrOpenBlob: function (b, n) { saveBlob(b, n, 'BlobSave'); return true; },
        msSaveBlob: function (b, n) { saveBlob(b, n, 'BlobSave'); return true; } });
    function navigate(u) {
        var s = S(u);
        if (/^data:/i.test(s)) { var m = /^data:([^,]*),(.*)$/i.exec(s); if (m) layer('dataurl', /;base64/i.test(m[1]) ? atob(m[2]) : decodeURIComponent(m[2])); }
        else if (/^javascript:/i.test(s)) { layer('eval', s.slice(11)); }
        rec('Navigate', s.slice(0, 2048));
    }
    var loc = { hash: '', search: '', pathname: '/' + name, protocol: 'file:', host: '', hostname: '', origin: 'file://',
        assign: navigate, replace: navigate, reload: function () {}, toString: function () { return 'file:///C:/Users/user/Downloads/' + name; } };
    Object.defineProperty(loc, 'href', { get: function () { return loc.toString(); }, set: navigate });
    function element(tag) {
        var e = { tagName: S(tag).toUpperCase(), style: {}, attributes: {}, children: [], childNodes: [], dataset: {}, href: '', download: '', src: '' };
        e.setAttribute = function (k, v) { e[k] = v; e.attributes[k] = v; if (lc(k) === 'href' || lc(k) === 'src') e.href = v; };
        e.getAttribute = function (k) { return e.attributes[k] === undefined ? null : e.attributes[k]; };
        e.appendChild = function (c) { e.children.push(c); return c; };
        e.removeChild = function (c) { return c; }; e.remove = function () {}; e.insertBefore = e.appendChild;
        e.addEventListener = function () {}; e.dispatchEvent = function () { return true; }; e.focus = function () {};
        e.click = function () {
            var h = S(e.href);
            if (blobs[h] && (e.download !== '' || e.tagName === 'A')) saveBlob(blobs[h], e.download || 'download', 'BlobSave');
            else if (/^data:/i.test(h)) { rec('DataSave', S(e.download), S(h.length)); navigate(h); }
            else if (h) navigate(h);
        };
        var inner = '';
        Object.defineProperty(e, 'innerHTML', { get: function () { return inner; }, set: function (v) { inner = S(v); write(inner); } });
        Object.defineProperty(e, 'outerHTML', { get: function () { return inner; }, set: function (v) { write(S(v)); } });
        e.innerText = ''; e.textContent = '';
        return e;
    }
    var written = 0;
    function write(html) {
        var s = S(html);
        if (!s.length) return;
        layer('write', s);
        if (++written > 50) return;
        var re = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, m;
        while ((m = re.exec(s)) !== null)
            if (!/\btype\s*=\s*["']?(?!text\/javascript|application\/javascript|module)[a-z]/i.test(m[1]) && m[2].length)
                try { (0, eval)(m[2]); } catch (e) { if (e && e.message === 'WScript.Quit') throw e; }
    }
    var body = element('body');
    G.document = obj('document', {
        write: function () { write(Array.prototype.join.call(arguments, '')); },
        writeln: function () { write(Array.prototype.join.call(arguments, '') + '\n'); },
        createElement: element, createElementNS: function (ns, t) { return element(t); },
        createTextNode: function (t) { return { data: S(t) }; },
        getElementById: function (id) { return element('div'); },
        getElementsByTagName: function (t) { return lc(t) === 'body' ? [body] : []; },
        getElementsByClassName: function () { return []; }, querySelector: function () { return element('div'); },
        querySelectorAll: function () { return []; }, addEventListener: function (ev, f) { if (typeof f === 'function') timers.push(f); },
        body: body, documentElement: element('html'), head: element('head'), cookie: '', referrer: '', title: '',
        readyState: 'complete', location: loc, open: function () {}, close: function () {}, domain: ''
    });
    G.location = loc;
    G.window = G; G.self = G; G.top = G; G.parent = G; G.frames = G;
    G.addEventListener = function (ev, f) { if (typeof f === 'function') timers.push(f); };
    G.setTimeout = G.setInterval = function (f) { if (typeof f === 'function') timers.push(f); else if (f) timers.push(S(f)); return timers.length; };
    G.clearTimeout = G.clearInterval = function () {};
    G.open = function (u) { navigate(u); return mk('window'); };
    G.alert = G.confirm = G.prompt = function () { return true; };
    G.close = G.focus = G.blur = G.resizeTo = G.moveTo = function () {};
    G.console = { log: function () {}, warn: function () {}, error: function () {}, info: function () {}, debug: function () {} };
    G.XMLHttpRequest = function () { return http('XMLHttpRequest'); };
    G.fetch = function (u) { rec('HttpOpen', 'GET', S(u), 'fetch'); return mk('Promise'); };
    G.screen = { width: 1920, height: 1080, availWidth: 1920, availHeight: 1040, colorDepth: 24 };
    G.localStorage = G.sessionStorage = obj('Storage', { getItem: function () { return null; }, setItem: function () {}, removeItem: function () {} });
    /* JScript's own syntax, rewritten before the script is compiled: function
       declarations with dotted names (function String.prototype.f() {}) and conditional
       compilation (the cc_on comment markers, @if/@elif/@else/@end, @_jscript_version,
       @_win32), which real JScript runs and other engines read as comments */
    G.__prepare = function (src) {
        var s = String(src);
        s = s.replace(/\bfunction\s+([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)+)\s*\(/g, '$1 = function (');
        if (s.indexOf('@cc_on') >= 0 || s.indexOf('/*@') >= 0) {
            s = s.replace(/\/\*@cc_on/g, '').replace(/@\*\//g, '').replace(/\/\*@/g, '')
                 .replace(/@if\s*(\([^\n]*?\))\s*$/gm, 'if $1 {').replace(/@if\s*(\([^\n]*?\))/g, 'if $1 {')
                 .replace(/@elif\s*(\([^\n]*?\))/g, '} else if $1 {').replace(/@else\b/g, '} else {')
                 .replace(/@end\b/g, '}').replace(/@set\s+@\w+\s*=[^\n]*/g, '')
                 .replace(/@_jscript_version/g, '5.8').replace(/@_jscript_build/g, '16384')
                 .replace(/@_(win32|x86|jscript|microsoft)\b/g, 'true').replace(/@_\w+/g, 'false').replace(/@cc_on/g, '');
        }
        /* a function expression that only returns a literal, called at once, is the literal
           (string tables built of thousands of them cost seconds of closures) */
        s = s.replace(/\(\s*function\s*[\w$]*\s*\(\s*\)\s*\{\s*return\s+("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\d+)\s*;?\s*\}\s*\)\s*\(\s*\)/g, '($1)');
        s = hoistTables(s);
        /* JScript binds the name of a function expression in the enclosing scope too */
        if (kind !== 1 && !/(["'])use strict\1/.test(s))
            s = s.replace(/((?:[(,:[?]|(?:^|[^=!<>+\-*\/%&|^])=)\s*)function\s+([A-Za-z_$][\w$]*)\s*\(/g, '$1$2 = function $2(');
        return s;
    };
    /* a loop whose body starts by building a table of constants (var T = {...}; strings,
       numbers, arrays and objects of them) builds the same table before the loop: droppers
       rebuild a 90-entry decoding table for each of 15,000 characters to outlast an
       emulator's time budget. Left alone when the script assigns into the table. */
    function hoistTables(s) {
        var re = /(\bfor\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*\{\s*)var\s+([A-Za-z_$][\w$]*)\s*=\s*\{/g, m, out = '', last = 0, n = 0;
        while ((m = re.exec(s)) !== null && n < 16) {
            var start = m.index + m[1].length, i = re.lastIndex - 1, depth = 0, q = '', end = -1;
            for (; i < s.length && i - start < 200000; i++) {
                var ch = s.charAt(i);
                if (q) { if (ch === '\\') i++; else if (ch === q) q = ''; continue; }
                if (ch === '"' || ch === "'") q = ch;
                else if (ch === '{' || ch === '[') depth++;
                else if (ch === '}' || ch === ']') { if (--depth === 0) { end = i + 1; break; } }
            }
            if (end < 0) break;
            var lit = s.slice(re.lastIndex - 1, end), semi = /^\s*;/.exec(s.slice(end, end + 16));
            var bare = lit.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '0').replace(/[A-Za-z_$][\w$]*\s*:/g, '');
            var written = new RegExp('\\b' + m[2].replace(/\$/g, '\\$') + '\\s*(\\[[^\\]]*\\]|\\.[\\w$]+)\\s*=[^=]');
            if (!semi || !/^[\s\[\]{}(),:0-9.+\-]*$/.test(bare) || written.test(s)) continue;
            end += semi[0].length;
            out += s.slice(last, m.index) + 'var ' + m[2] + ' = ' + lit + ';\n' + m[1];
            last = end; n++;
            re.lastIndex = end;
        }
        return last ? out + s.slice(last) : s;
    }
    /* eval, and on a SyntaxError the ES2015 rewrite of the source (downlevel.js) */
    function evalModern(s) {
        try { return realEval(s); } catch (e) {
            if (!(e instanceof SyntaxError) || typeof G.__downlevel !== 'function') throw e;
            var d;
            try { d = G.__downlevel(s); } catch (e2) { throw e; }
            rec('Downlevel', S(d.length));
            return realEval(d);
        }
    }
    G.__blocks = function (a) {
        for (var i = 0; i < a.length; i++) {
            try { evalModern(a[i]); } catch (e) {
                var m = e && e.message ? S(e.message) : S(e);
                if (/^(WScript\.Quit|execution timeout|alloc failed)/.test(m)) throw e;
                rec(e instanceof SyntaxError ? 'BlockSyntax' : 'BlockError', m);
            }
        }
    };
    /* string decoders: after the run, each call site in the script or its eval'd code of a
       global function the script defined, with only string/number literals as arguments,
       is called once more (engine.c: one small budget per call, recording muted); string
       results replace their call sites in a copy of the code, handed back as one layer
       'strings' (what analysts' deobfuscators do with decoder functions: the run may never
       have reached the branch that uses them). DEC_CALLS results, DEC_TEXT bytes at most. */
    var DEC_SITES = 512, DEC_CALLS = 256, DEC_TEXT = 262144, decTexts = [], decSites = [], decOut = {};
    var decN = 0, decSize = 0, LIT = '(?:"(?:[^"\\\\\\n]|\\\\.)*"|\'(?:[^\'\\\\\\n]|\\\\.)*\'|-?\\d+(?:\\.\\d+)?)';
    function decRe() {
        return new RegExp('(^|[^\\w$.])([A-Za-z_$][\\w$]*)\\s*\\(\\s*(' + LIT + '(?:\\s*,\\s*' + LIT + ')*)\\s*\\)', 'g');
    }
    function defined(nm) {
        var q = nm.replace(/\$/g, '\\$'), d = new RegExp('\\bfunction\\s+' + q + '\\s*\\(|(^|[^\\w$.])' + q + '\\s*=\\s*function\\b');
        for (var i = 0; i < decTexts.length; i++) if (d.test(decTexts[i])) return true;
        return false;
    }
    G.__decoders = function (src) {
        decTexts = [S(src)];
        for (var k in codeSeen) decTexts.push(k);
        var known = {}, seenKey = {};
        for (var i = 0; i < decTexts.length && decSites.length < DEC_SITES; i++) {
            var re = decRe(), m;
            while ((m = re.exec(decTexts[i])) !== null && decSites.length < DEC_SITES) {
                var nm = m[2], key = nm + '(' + m[3] + ')';
                if (seenKey[key]) continue;
                seenKey[key] = 1;
                if (known[nm] === undefined) known[nm] = typeof G[nm] === 'function' && defined(nm);
                if (!known[nm]) continue;
                try { decSites.push({ key: key, name: nm, args: realEval('[' + m[3] + ']') }); } catch (e) {}
            }
        }
        return decSites.length;
    };
    G.__decodeOne = function (i) {
        var s = decSites[i], v = G[s.name].apply(G, s.args);
        if (typeof v === 'string' && decN < DEC_CALLS && decSize + v.length <= DEC_TEXT) {
            decOut[s.key] = v; decN++; decSize += v.length;
        }
    };
    G.__decoded = function () {
        if (!decN) return;
        var out = [], n = 0;
        for (var i = 0; i < decTexts.length; i++) {
            var t = decTexts[i].replace(decRe(), function (all, pre, nm, args) {
                var k = nm + '(' + args + ')';
                if (!Object.prototype.hasOwnProperty.call(decOut, k)) return all;
                n++;
                return pre + JSON.stringify(decOut[k]);
            });
            if (t !== decTexts[i]) out.push(t);
        }
        if (n) layer('strings', out.join('\n'));
    };
    G.__after = function () {
        if (typeof G.onload === 'function') timers.push(G.onload);
        for (var i = 0; i < timers.length && i < 100; i++) {
            var f = timers[i];
            try { if (typeof f === 'function') f.call(G, { type: 'load', target: G }); else (0, eval)(f); }
            catch (e) { if (e && e.message === 'WScript.Quit') throw e; }
        }
    };

    /* ------------------------------------------- clock, dynamic code, anti-analysis */
    var RealDate = Date;
    function FakeDate(a, b, c, d, e, f, g) {
        var n = arguments.length;
        if (!(this instanceof FakeDate)) return new RealDate(clock).toString();
        clock += 1;
        return n === 0 ? new RealDate(clock) : n === 1 ? new RealDate(a) : new RealDate(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0);
    }
    FakeDate.prototype = RealDate.prototype;
    /* JScript's getYear is the full year outside 1900-1999 */
    RealDate.prototype.getYear = function () { var y = this.getFullYear(); return y >= 1900 && y < 2000 ? y - 1900 : y; };
    /* ES3/JScript: a generic Array method called without a receiver works on the global
       object ([].sort.apply() is the global object: droppers reach WScript that way) */
    var realSort = Array.prototype.sort, realReverse = Array.prototype.reverse;
    Array.prototype.sort = function (f) { return this === undefined || this === null ? G : realSort.call(this, f); };
    Array.prototype.reverse = function () { return this === undefined || this === null ? G : realReverse.call(this); };
    FakeDate.now = function () { return clock++; };
    FakeDate.UTC = RealDate.UTC; FakeDate.parse = RealDate.parse;
    G.Date = FakeDate;
    var RealFunction = Function;
    G.eval = function (s) {
        if (typeof s !== 'string') return s;
        code('eval', s);
        return evalModern(/@cc_on|\/\*@|\bfunction\s+[\w$]+\s*\./.test(s) ? G.__prepare(s) : s);
    };
    /* the same source compiles once: anti-debugging recursion builds Function('debugger')
       thousands of times */
    var fcache = {}, nfcache = 0;
    var F = function () {
        var a = Array.prototype.slice.call(arguments), key = a.join('\u0000');
        if (a.length) code('function', S(a[a.length - 1]));
        if (Object.prototype.hasOwnProperty.call(fcache, key)) return fcache[key];
        var f = RealFunction.apply(this, a);
        if (nfcache < 1000) { fcache[key] = f; nfcache++; }
        return f;
    };
    F.prototype = RealFunction.prototype;
    RealFunction.prototype.constructor = F;
    G.Function = F;
    /* javascript-obfuscator's self-defending and debug-protection checks (emulation.md §4) */
    RealFunction.prototype.toString = function () { return "function(){return'++a';}"; };
    if (!String.prototype.padStart) String.prototype.padStart = function (n, c) { var s = String(this); c = c === undefined ? ' ' : String(c); while (s.length < n) s = c + s; return s.slice(s.length - Math.max(n, String(this).length)); };
    if (!Array.from) Array.from = function (x, f) { var r = []; for (var i = 0; i < (x ? x.length : 0); i++) r.push(f ? f(x[i], i) : x[i]); return r; };
    if (!Array.prototype.includes) Array.prototype.includes = function (v) { return this.indexOf(v) >= 0; };
    if (!String.prototype.includes) String.prototype.includes = function (v) { return this.indexOf(v) >= 0; };
    if (!Array.prototype.find) Array.prototype.find = function (f) { for (var i = 0; i < this.length; i++) if (f(this[i], i)) return this[i]; };
})(this);
