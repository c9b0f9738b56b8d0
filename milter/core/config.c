/*
 * core/config - the configuration table and its parser (see core/config.h)
 *
 * Defaults are written in the table as the text an admin would put in milter.conf and
 * are parsed by the same code as the file, so the two cannot disagree.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "core/config.h"
#include "core/uribl.h"
#include "core/config_int.h"
#include "lib/linefile.h"
#include "lib/str.h"
#include "lib/xalloc.h"

static const char *const level_names[] = {"error", "warning", "notice", "info", "debug", NULL};
static const char *const debug_names[] = {"config", "mime", "url", "scan", "milter", "cache", NULL};
static const char *const facility_names[] = {"mail",   "daemon", "user",   "local0",
                                             "local1", "local2", "local3", "local4",
                                             "local5", "local6", "local7", NULL};
static const char *const mode_names[] = {"enforce", "tag-only", "off", NULL};
static const char *const policy_names[] = {"accept",     "tag",    "tempfail",
                                           "quarantine", "reject", NULL};
static const char *const cache_names[] = {"off", "memory", "redis", NULL};
static const char *const qaction_names[] = {"hold", "reject", "discard", "auto", NULL};
static const char *const yesno_names[] = {"no", "yes", NULL};
static const char *const onoff_names[] = {"off", "on", NULL};
static const char *const verdict_flag_names[] = {"tag", "quarantine", "reject", NULL};
static const int facility_values[] = {LOG_MAIL,   LOG_DAEMON, LOG_USER,   LOG_LOCAL0,
                                      LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4,
                                      LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};

#define KIB    1024.0
#define MIB    (1024.0 * 1024.0)
#define GIB    (1024.0 * 1024.0 * 1024.0)
#define OFF(f) offsetof(CONFIG, f)

/* config_table - every key; the only place defaults and bounds are written */
static const CFG_ROW config_table[] = {
    {"Logging", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"log_level", T_ENUM, OFF(log_level), "info", 0, 0, level_names, NULL, true,
     "Lowest severity logged: error, warning, notice, info (one summary line per message) or "
     "debug."},
    {"log_debug", T_FLAGS, OFF(log_debug), "none", 0, 0, debug_names, NULL, true,
     "Comma-separated debug areas logged at level debug: config, mime, url, scan, milter, cache, "
     "all or none."},
    {"syslog_facility", T_ENUM, OFF(syslog_facility), "mail", 0, 0, facility_names, facility_values,
     false,
     "Syslog facility used when not running in the foreground: mail, daemon, user, "
     "local0..local7."},

    {"Rules and verdict", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"rules_dir", T_STRING, OFF(rules_dir), "rules", 0, 0, NULL, NULL, true,
     "Directory holding scoring.conf, clamav/, yara/ and lists/. A relative path is taken "
     "relative to the directory of this file. Several comma-separated directories, most "
     "specific first, are merged file by file: a file is taken from the first directory that "
     "has its name (e.g. `/etc/fileless-milter/rules, /usr/share/fileless-milter/rules`: a file "
     "under /etc overrides the shipped file of the same name, new files add rules)."},
    {"tag_threshold", T_DOUBLE, OFF(tag_threshold), "5", 0, 10000, NULL, NULL, true,
     "A message scoring at least this much is tagged (X-Fileless-Verdict: tag)."},
    {"quarantine_threshold", T_DOUBLE, OFF(quarantine_threshold), "10", 0, 10000, NULL, NULL, true,
     "A message scoring at least this much is quarantined. Must be >= tag_threshold."},
    {"reject_threshold", T_DOUBLE, OFF(reject_threshold), "15", 0, 10000, NULL, NULL, true,
     "A message scoring at least this much is rejected. Must be >= quarantine_threshold."},
    {"block_extensions", T_ENUM, OFF(block_extensions), "no", 0, 0, yesno_names, NULL, true,
     "yes: dangerous file names and types (a script name, a script inside an archive) are scored "
     "as separate findings and reach quarantine by themselves, as common-attachment filters "
     "block them; no: a name is one fact that tags, and reaches quarantine only together with "
     "content that agrees."},
    {"capability_alone_max", T_DOUBLE, OFF(capability_alone_max), "4", 0, 10000, NULL, NULL, true,
     "Most the content findings of one attachment weigh together when no chain of capabilities "
     "(rules/scoring.conf CHAIN_*) fired there: one capability alone tags at most."},
    {"mention_max", T_DOUBLE, OFF(mention_max), "1", 0, 10000, NULL, NULL, true,
     "Most the content findings of one attachment weigh together where the recipient cannot run "
     "them (text bodies, .txt/.md/.csv files): a quoted command is a mention, unless a lure tells "
     "the reader to run it. Official ClamAV signatures and IOC hashes keep their weight."},
    {"policy_file", T_STRING, OFF(policy_file), "", 0, 0, NULL, NULL, true,
     "Policy file: settings per recipient, recipient domain, sender (verified), SMTP AUTH user "
     "or client network (mode, thresholds, actions per verdict, weights; README, Policy per "
     "domain and recipient). Empty: policy.conf of rules_dir when it exists. A relative path is "
     "taken relative to this file. Reloaded with the rules (SIGHUP); an error keeps the old "
     "one."},

    {"Limits", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"max_message_size", T_SIZE, OFF(max_message_size), "50M", 1 * KIB, 2 * GIB, NULL, NULL, true,
     "Largest message scanned (K/M/G suffixes). Bytes past it are not scanned and the report "
     "says LIMIT_MESSAGE_SIZE."},
    {"max_header_bytes", T_SIZE, OFF(max_header_bytes), "1M", 1 * KIB, 1 * GIB, NULL, NULL, true,
     "Largest header block of the message or of any MIME part (LIMIT_HEADER_BYTES past it)."},
    {"max_header_field_bytes", T_SIZE, OFF(max_header_field_bytes), "64K", 1 * KIB, 16 * MIB, NULL,
     NULL, true,
     "Longest single header field (with its folded lines); longer ones are cut before "
     "parsing (LIMIT_HEADER_FIELD)."},
    {"max_header_lines", T_INT, OFF(max_header_lines), "1000", 10, 10000000, NULL, NULL, true,
     "Most header fields of one header block (the message's or a part's) given to the MIME "
     "parser; the rest are dropped before parsing, except the Content-* fields "
     "(LIMIT_HEADER_LINES)."},
    {"max_header_lines_total", T_INT, OFF(max_header_lines_total), "20000", 10, 100000000, NULL,
     NULL, true,
     "Most header fields of all header blocks of one message together given to the MIME "
     "parser (each costs about 650 bytes there; LIMIT_HEADER_LINES past it)."},
    {"max_mime_depth", T_INT, OFF(max_mime_depth), "32", 1, 1000, NULL, NULL, true,
     "Deepest MIME nesting (multipart and message/rfc822 levels) walked; deeper entities give "
     "LIMIT_MIME_DEPTH."},
    {"max_parts", T_INT, OFF(max_parts), "1000", 1, 1000000, NULL, NULL, true,
     "Most MIME entities (and hidden uuencode/yEnc/prologue parts) recorded per message "
     "(LIMIT_PARTS past it)."},
    {"max_part_bytes", T_SIZE, OFF(max_part_bytes), "32M", 1 * KIB, 2 * GIB, NULL, NULL, true,
     "Most decoded bytes kept for one part; the rest is not scanned (LIMIT_PART_BYTES)."},
    {"max_total_bytes", T_SIZE, OFF(max_total_bytes), "128M", 1 * KIB, 8 * GIB, NULL, NULL, true,
     "Most decoded bytes kept for all parts of one message together (LIMIT_TOTAL_BYTES)."},
    {"max_urls", T_INT, OFF(max_urls), "5000", 1, 1000000, NULL, NULL, true,
     "Most distinct URLs recorded per message (LIMIT_URLS past it)."},
    {"max_layers", T_INT, OFF(max_layers), "5000", 1, 100000, NULL, NULL, true,
     "Most layers (archive members, embedded objects, streams) recorded per message "
     "(LIMIT_LAYERS past it)."},
    {"max_passwords", T_INT, OFF(max_passwords), "16", 0, 32, NULL, NULL, true,
     "Most candidate passwords taken from the message text to open an encrypted archive "
     "(0: never try)."},

    {"max_decode_depth", T_INT, OFF(max_decode_depth), "8", 0, 32, NULL, NULL, true,
     "Deepest chain of decoded layers (base64 of base64 of ...) analysed again; 0: no decoding "
     "(LIMIT_DECODE_DEPTH)."},
    {"max_decoded_bytes", T_SIZE, OFF(max_decoded_bytes), "4M", 1 * KIB, 256 * MIB, NULL, NULL,
     true, "Most bytes kept for one decoded layer (a deobfuscated script)."},
    {"min_base64_len", T_INT, OFF(min_base64_len), "40", 8, 100000, NULL, NULL, true,
     "Shortest base64 literal in a script or macro that is decoded and analysed."},
    {"max_work_cpu", T_INT, OFF(max_work_cpu), "10000", 0, 600000, NULL, NULL, true,
     "Work budget of one message: most milliseconds of the scanning thread's CPU time; past "
     "it the rest is skipped with LIMIT_WORK_BUDGET (0: no bound)."},
    {"max_work_bytes", T_SIZE, OFF(max_work_bytes), "512M", 0, 64 * GIB, NULL, NULL, true,
     "Work budget of one message: most bytes unpacked (archive members, embedded files, "
     "decoded layers, repeats included); past it the rest is skipped with LIMIT_WORK_BUDGET "
     "(0: no bound)."},
    {"bomb_min_ratio", T_INT, OFF(bomb_min_ratio), "200", 0, 1000000, NULL, NULL, true,
     "ARCHIVE_BOMB when an archive member of 1 MiB or more inflates this many times its "
     "compressed size (0: not checked)."},
    {"bomb_min_repeats", T_INT, OFF(bomb_min_repeats), "8", 0, 1000000, NULL, NULL, true,
     "ARCHIVE_BOMB when one part holds this many repeats of an identical archive or member "
     "of 1 MiB or more (repeats are analysed once; 0: not checked)."},
    {"bomb_min_depth", T_INT, OFF(bomb_min_depth), "6", 0, 64, NULL, NULL, true,
     "ARCHIVE_BOMB when archives are nested this deep in one part (0: not checked)."},
    {"office_decrypt_max_rounds", T_INT, OFF(office_decrypt_max_rounds), "1000000", 0, 100000000,
     NULL, NULL, true,
     "Most password-hashing rounds spent per message opening encrypted Office files (Agile "
     "encryption asks about 100,000 per candidate password; 1,000,000 SHA-512 rounds take about "
     "0.5 s of CPU; 0: never try). Candidates left untried give LIMIT_DECRYPT_ROUNDS."},

    {"Engines", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"yara_extra_dirs", T_STRING, OFF(yara_extra_dirs), "", 0, 0, NULL, NULL, true,
     "Comma-separated directories of extra YARA rules (public rule sets) compiled with "
     "rules_dir/yara. Relative paths are taken relative to this file."},
    {"yara_timeout", T_INT, OFF(yara_timeout), "10", 1, 3600, NULL, NULL, true,
     "Seconds YARA may spend matching one buffer (a part or a layer); past it the scan fails "
     "with a timeout, a scanner error (SCAN_ERROR, on_scanner_error)."},
    {"clamav_max_file_size", T_SIZE, OFF(clamav_max_file_size), "32M", 1 * KIB, 2 * GIB, NULL, NULL,
     true, "libclamav: largest file (part or layer) it scans (LIMIT_CLAMAV_FILE_SIZE)."},
    {"clamav_max_scan_size", T_SIZE, OFF(clamav_max_scan_size), "32M", 1 * KIB, 4 * GIB, NULL, NULL,
     true,
     "libclamav: most bytes it reads while unpacking one part (LIMIT_CLAMAV_SCAN_SIZE). "
     "Unpacking costs about 25-50 ms of CPU per MB: a nested zip bomb takes about 1.5 s "
     "of CPU at 32M, 3.5 s at 128M."},
    {"clamav_max_recursion", T_INT, OFF(clamav_max_recursion), "25", 1, 64, NULL, NULL, true,
     "libclamav: deepest nesting of archives and containers (LIMIT_CLAMAV_RECURSION)."},
    {"clamav_max_files", T_INT, OFF(clamav_max_files), "10000", 1, 1000000, NULL, NULL, true,
     "libclamav: most files unpacked from one part (LIMIT_CLAMAV_FILES)."},
    {"clamav_max_scan_time", T_INT, OFF(clamav_max_scan_time), "60000", 100, 600000, NULL, NULL,
     true, "libclamav: most milliseconds spent on one part (LIMIT_CLAMAV_SCAN_TIME)."},
    {"clamav_db_dir", T_STRING, OFF(clamav_db_dir), "auto", 0, 0, NULL, NULL, true,
     "Folder of the official ClamAV databases (main, daily, bytecode: what freshclam keeps), "
     "loaded after rules_dir/clamav. auto: /var/lib/clamav when it holds a .cvd, .cld or .cud "
     "file; empty: none. Their signatures are weighted by category in scoring.conf "
     "(CLAMAV_PUA.*, CLAMAV_Heuristics.*, CLAMAV_*)."},
    {"clamav_db_check", T_INT, OFF(clamav_db_check), "60", 0, 86400, NULL, NULL, true,
     "Seconds between checks of clamav_db_dir for a freshclam update (file names, sizes and "
     "times); a change reloads the rules off the mail path, as SIGHUP does. 0: never."},
    {"clamav_tmpdir", T_STRING, OFF(clamav_tmpdir), "", 0, 0, NULL, NULL, false,
     "Directory for libclamav's temporary files (empty: $TMPDIR or /tmp). A private tmpfs is "
     "best."},
    {"emulate", T_ENUM, OFF(emulate), "on", 0, 0, onoff_names, NULL, true,
     "Run JavaScript attachments (JS, decoded JSE, the JScript blocks of HTA/WSF/SCT and the "
     "scripts of HTML/SVG files) in the sandboxed fileless-emu helper against a fake script "
     "host and browser, and report what they would do (EMU_* findings, produced code as "
     "layers)."},
    {"emulate_ms", T_INT, OFF(emulate_ms), "400", 20, 60000, NULL, NULL, true,
     "Most milliseconds of CPU time one script runs in the helper (EMU_LIMIT); the "
     "milter's watchdog kills a helper that has not answered after four times this "
     "wall-clock time plus 100 ms."},
    {"emulate_memory", T_SIZE, OFF(emulate_memory), "128M", 16 * MIB, 2 * GIB, NULL, NULL, false,
     "Memory budget of one script in the helper (EMU_LIMIT past it); the helper's address "
     "space is capped at this plus 64M."},
    {"emulate_workers", T_INT, OFF(emulate_workers), "2", 1, 64, NULL, NULL, false,
     "Helper processes kept running; a script waits for a free one at most as long as "
     "the watchdog lets a running script hold it (4 x emulate_ms + 100 ms) "
     "(else EMU_ERROR)."},
    {"emulate_helper", T_STRING, OFF(emulate_helper), "", 0, 0, NULL, NULL, false,
     "Path of the fileless-emu helper (empty: next to the fileless-milter executable)."},
    {"unpack_7z_helper", T_STRING, OFF(unpack_7z_helper), "/usr/bin/7zz", 0, 0, NULL, NULL, true,
     "Debian's 7zz (package 7zip), run confined to open an encrypted 7z with a password "
     "stated in the message (libarchive 3.6 cannot decrypt 7z). Empty: not tried; the 7z "
     "stays ARCHIVE_ENCRYPTED."},
    {"unpack_rar_helper", T_STRING, OFF(unpack_rar_helper), "/usr/bin/unar", 0, 0, NULL, NULL, true,
     "Debian's unar (package unar; lsar is taken from the same folder), run confined to open "
     "an encrypted RAR 3/5 with a password stated in the message. Empty: not tried; the RAR "
     "stays ARCHIVE_ENCRYPTED."},
    {"unpack_helper_ms", T_INT, OFF(unpack_helper_ms), "10000", 100, 600000, NULL, NULL, true,
     "Most wall-clock milliseconds the unpack helpers spend on the encrypted archives of one "
     "message, all candidate passwords together (the time their members are scanned "
     "included); past it the helper is killed and the archive stays "
     "ARCHIVE_ENCRYPTED (ARCHIVE_UNREADABLE says why). A candidate costs two runs for a 7z "
     "and up to four for a RAR (unar starts the GNUstep runtime: about 0.1 s of CPU each)."},
    {"unpack_helper_memory", T_SIZE, OFF(unpack_helper_memory), "512M", 64 * MIB, 8 * GIB, NULL,
     NULL, true, "Address-space limit of one unpack helper run (RLIMIT_AS)."},

    {"Milter", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"socket", T_STRING, OFF(socket), "inet:8890@127.0.0.1", 0, 0, NULL, NULL, false,
     "Where the daemon listens: inet:PORT@HOST, inet6:PORT@HOST or unix:/path (local:/path)."},
    {"socket_mode", T_STRING, OFF(socket_mode), "0660", 0, 0, NULL, NULL, false,
     "Octal permissions of a unix socket, set after it is created."},
    {"pidfile", T_STRING, OFF(pidfile), "", 0, 0, NULL, NULL, false,
     "File the daemon writes its process id to (empty: none)."},
    {"user", T_STRING, OFF(user), "", 0, 0, NULL, NULL, false,
     "User (and its group) the daemon runs as after binding the socket (empty: do not change)."},
    {"mode", T_ENUM, OFF(mode), "enforce", 0, 0, mode_names, NULL, true,
     "enforce: verdicts tag, quarantine or reject; tag-only: add headers only, never block (the "
     "would-be action is shown in the header); off: pass everything and only log."},
    {"on_scanner_error", T_ENUM, OFF(on_scanner_error), "tempfail", 0, 0, policy_names, NULL, true,
     "Action when an engine failed on a part (SCAN_ERROR): accept, tag, tempfail, quarantine or "
     "reject. A stronger verdict stands."},
    {"on_parse_error", T_ENUM, OFF(on_parse_error), "tempfail", 0, 0, policy_names, NULL, true,
     "Action when the message could not be parsed at all (MIME_UNPARSEABLE)."},
    {"on_oversize", T_ENUM, OFF(on_oversize), "tag", 0, 0, policy_names, NULL, true,
     "Action when the message is larger than max_message_size (only its head was scanned)."},
    {"on_timeout", T_ENUM, OFF(on_timeout), "tempfail", 0, 0, policy_names, NULL, true,
     "Action when an engine ran out of time on a part (LIMIT_CLAMAV_SCAN_TIME)."},
    {"on_limit", T_ENUM, OFF(on_limit), "tag", 0, 0, policy_names, NULL, true,
     "Action when a limit stopped the scan before it saw everything, or content could not be "
     "opened (LIMIT_PARTS, LIMIT_PART_BYTES, LIMIT_CLAMAV_*, LIMIT_WORK_BUDGET, "
     "ARCHIVE_UNREADABLE ...; size and time have on_oversize and on_timeout). Default tag: "
     "such a message never passes as clean without saying so, and real mail rarely hits a "
     "limit (1 of 1170 corpus messages, a parser torture test; tests/coverage/README.md)."},
    {"on_internal_error", T_ENUM, OFF(on_internal_error), "tempfail", 0, 0, policy_names, NULL,
     true, "Action when the milter itself failed (temporary file, memory)."},
    {"quarantine_action", T_ENUM, OFF(quarantine_action), "auto", 0, 0, qaction_names, NULL, true,
     "What the MTA does with a quarantined message (after it is stored in quarantine_dir, when "
     "set): hold (its hold queue, smfi_quarantine), reject (550), discard (the sender sees 250) "
     "or auto: discard when quarantine_dir is set (the store keeps it), else hold. Mode "
     "tag-only never quarantines."},
    {"discard_verdicts", T_FLAGS, OFF(discard_verdicts), "none", 0, 0, verdict_flag_names, NULL,
     true,
     "Verdicts whose message is discarded (accepted, then dropped) instead of tagged, "
     "quarantined or rejected: a comma list of tag, quarantine, reject, or none. Discarded mail "
     "is lost to the recipient and the sender is not told: use it only for known campaigns."},
    {"reject_text", T_STRING, OFF(reject_text), "Message rejected: dangerous content (ref %s)", 0,
     0, NULL, NULL, true,
     "Text of the 550 5.7.1 reply; one %s is replaced by the reference id; a literal \\n "
     "starts a new line of a multi-line reply (at most 10 lines)."},
    {"tempfail_text", T_STRING, OFF(tempfail_text),
     "Message could not be scanned, try again later (ref %s)", 0, 0, NULL, NULL, true,
     "Text of the 451 4.7.1 reply; one %s is replaced by the reference id; \\n as in "
     "reject_text."},
    {"header_prefix", T_STRING, OFF(header_prefix), "X-Fileless", 0, 0, NULL, NULL, true,
     "Prefix of the headers added (PREFIX-Verdict, PREFIX-Report); inbound headers with this "
     "prefix are removed."},
    {"max_spoofed_headers", T_INT, OFF(max_spoofed_headers), "1000", 1, 1000000, NULL, NULL, true,
     "Most inbound headers with header_prefix removed from one message; a message carrying "
     "more is refused (550 5.7.1), as they cannot all be removed."},
    {"subject_tag", T_STRING, OFF(subject_tag), "", 0, 0, NULL, NULL, true,
     "Text put in front of the Subject of tagged and quarantined messages (empty: none)."},
    {"metrics_listen", T_STRING, OFF(metrics_listen), "", 0, 0, NULL, NULL, false,
     "ADDR:PORT where the daemon serves its counters and latency histograms as Prometheus "
     "text at /metrics (e.g. 127.0.0.1:9890; empty: off). There is no authentication: keep "
     "it on loopback or a management network."},
    {"milter_timeout", T_INT, OFF(milter_timeout), "600", 1, 86400, NULL, NULL, false,
     "Seconds libmilter waits for the next command on a connection (smfi_settimeout); an "
     "idle connection is closed after it (libmilter's worker pool looks every 10 minutes; "
     "counted as dropped in the metrics). Keep it above the MTA's SMTP idle timeout (Postfix "
     "smtpd_timeout, 300 s)."},
    {"max_connections", T_INT, OFF(max_connections), "0", 0, 1000000, NULL, NULL, false,
     "Most MTA connections served at once; more are refused with a temporary failure "
     "(logged and counted). 0: the open-file limit (raised to its hard limit at start) less "
     "a reserve of 256 for spool files, the store and the engines."},
    {"scan_timeout", T_INT, OFF(scan_timeout), "120000", 1000, 3600000, NULL, NULL, true,
     "Milliseconds a message may be scanned; past it the MTA gets the on_timeout action "
     "(LIMIT_SCAN_TIME). Keep it below the MTA's content timeout (Postfix "
     "milter_content_timeout, 300 s by default)."},
    {"scan_workers", T_INT, OFF(scan_workers), "0", 0, 1024, NULL, NULL, true,
     "Messages analysed at the same time (0: one per CPU core); the others wait for a "
     "free worker within their scan_timeout (more scans than cores add memory, not speed)."},
    {"progress_interval", T_INT, OFF(progress_interval), "10000", 100, 600000, NULL, NULL, true,
     "Milliseconds between the 'still working' notes (smfi_progress) sent to the MTA while a "
     "scan runs; each restarts the MTA's timeout."},
    {"spool_memory_max", T_SIZE, OFF(spool_memory_max), "4M", 0, 2 * GIB, NULL, NULL, true,
     "Bytes of a message kept in memory while it arrives; the rest goes to a private, "
     "unlinked temporary file."},

    {"Quarantine", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"quarantine_dir", T_STRING, OFF(quarantine_dir), "", 0, 0, NULL, NULL, true,
     "Directory of the quarantine store (created 0700, owned by user): each quarantined message "
     "is kept exactly as received with its envelope and verdict, for fileless-ctl quarantine and "
     "the web review page. Empty: quarantine uses the MTA's hold queue only."},
    {"quarantine_max_bytes", T_SIZE, OFF(quarantine_max_bytes), "1G", 0, 1024 * GIB, NULL, NULL,
     true,
     "Most bytes the store may hold; a message that does not fit is handled by "
     "on_quarantine_error."},
    {"quarantine_days", T_INT, OFF(quarantine_days), "30", 0, 36500, NULL, NULL, true,
     "Retention: fileless-ctl quarantine purge removes items older than this many days."},
    {"on_quarantine_error", T_ENUM, OFF(on_quarantine_error), "tempfail", 0, 0, policy_names, NULL,
     true,
     "Action when a message to quarantine cannot be stored (disk full, store over "
     "quarantine_max_bytes, I/O error): tempfail (the sender retries), reject, quarantine (the "
     "MTA's hold queue), tag or accept."},
    {"quarantine_rejects", T_ENUM, OFF(quarantine_rejects), "no", 0, 0, yesno_names, NULL, true,
     "yes: a rejected message is also stored in quarantine_dir (marked action=reject), so a "
     "false positive can be reviewed and released; the MTA still answers 550. Needs "
     "quarantine_dir; a store failure leaves the reject as it is."},
    {"release_relay", T_STRING, OFF(release_relay), "127.0.0.1:25", 0, 0, NULL, NULL, true,
     "Where fileless-ctl quarantine release re-injects a message: HOST:PORT of an SMTP server "
     "(the MTA; its milter recognises the release header), or the path of a sendmail binary."},
    {"release_secret", T_STRING, OFF(release_secret), "", 0, 0, NULL, NULL, true,
     "HMAC key of the release header (PREFIX-Release). Empty: read release_secret_file, else "
     "QUARANTINE_DIR/release.key (created with random bytes on first use)."},
    {"release_secret_file", T_STRING, OFF(release_secret_file), "", 0, 0, NULL, NULL, true,
     "File holding the HMAC key of the release header (used when release_secret is empty)."},
    {"release_max_age_days", T_INT, OFF(release_max_age_days), "7", 1, 3650, NULL, NULL, true,
     "A release header older than this many days is not honoured (the message is judged like "
     "any other)."},
    {"audit_log", T_STRING, OFF(audit_log), "", 0, 0, NULL, NULL, true,
     "File where fileless-ctl and the web page record who released, deleted or rescanned what "
     "(empty: QUARANTINE_DIR/audit.log)."},
    {"web_listen", T_STRING, OFF(web_listen), "127.0.0.1:8891", 0, 0, NULL, NULL, true,
     "ADDR:PORT the review page (fileless-ctl web) listens on by default."},
    {"web_users", T_STRING, OFF(web_users), "", 0, 0, NULL, NULL, true,
     "File of review page users, one `user:hash` line each (crypt(3) SHA-512 hashes, $6$...; "
     "fileless-ctl web --hash-password prints one). Empty: nobody can log in."},
    {"web_secure_cookie", T_ENUM, OFF(web_secure_cookie), "no", 0, 0, yesno_names, NULL, true,
     "yes: the session cookie carries the Secure flag (set it when the page is served through a "
     "TLS proxy)."},
    {"web_session_minutes", T_INT, OFF(web_session_minutes), "480", 5, 10080, NULL, NULL, true,
     "A review page session ends after this many minutes without a request."},
    {"web_login_failure_budget", T_INT, OFF(web_login_failure_budget), "100", 0, 1000000, NULL,
     NULL, true,
     "Failed review page logins, from all clients together, before every login waits (2^n "
     "seconds past the budget, at most 15 minutes; forgotten after 15 minutes without a "
     "failure). A client is also locked alone after 5 failures (an IPv6 client is its /64). "
     "0: no global budget."},
    {"URL reputation", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"uribl_zones", T_STRING, OFF(uribl_zones), "", 0, 0, NULL, NULL, true,
     "DNS block lists for link hosts, `;`-separated `ZONE: domain|host|ip [weight=W] "
     "[CODE=CATEGORY ...]`; CODE an address, a-b range, CIDR or last-octet bit mask 1-255; "
     "CATEGORY spam phish malware botnet abused listed error ignore (README: URL reputation). "
     "Empty: no lookups (public lists need a local caching resolver and have usage terms)."},
    {"uribl_allow_domains", T_STRING, OFF(uribl_allow_domains), "", 0, 0, NULL, NULL, true,
     "Domains never looked up (with their subdomains), besides rules/lists/allow-domains.txt; "
     "space- or comma-separated."},
    {"dns_server", T_STRING, OFF(dns_server), "", 0, 0, NULL, NULL, true,
     "DNS server(s) for the block lists, `ip[:port]` or `[ipv6]:port`, comma-separated. Empty: "
     "the system resolver (/etc/resolv.conf)."},
    {"dns_timeout", T_INT, OFF(dns_timeout), "1000", 10, 30000, NULL, NULL, true,
     "Milliseconds a message waits for block-list answers, from its first question (or from "
     "the end of the scan for questions asked then); unanswered ones are URIBL_TIMEOUT."},
    {"dns_max_queries", T_INT, OFF(dns_max_queries), "200", 1, 10000, NULL, NULL, true,
     "Most block-list questions per message (distinct names); more are not asked (URIBL_LIMIT)."},
    {"dns_cache_ttl", T_INT, OFF(dns_cache_ttl), "300", 0, 86400, NULL, NULL, true,
     "Seconds a block-list answer is kept (in memory, and in Redis with cache = redis); 0: never "
     "cached. Errors and time-outs are never cached."},
    {"dns_cache_entries", T_INT, OFF(dns_cache_entries), "20000", 1, 10000000, NULL, NULL, false,
     "Most block-list answers kept in memory (least recently used ones are evicted)."},
    {"url_unwrap_depth", T_INT, OFF(url_unwrap_depth), "3", 0, 10, NULL, NULL, true,
     "How many redirect wrappers deep URLs are unwrapped (google /url?q=, safelinks, "
     "urldefense, rules/lists/redirectors.txt ...); 0: not at all."},
    {"url_prevalence_window", T_INT, OFF(url_prevalence_window), "3600", 60, 604800, NULL, NULL,
     true,
     "cache = redis: seconds of the sliding window in which messages and distinct senders "
     "per URL are counted by all milters sharing the Redis."},
    {"url_burst_senders", T_INT, OFF(url_burst_senders), "10", 0, 1000000, NULL, NULL, true,
     "cache = redis: a URL first seen within the window and carried by at least this many "
     "distinct senders in it is the finding URL_BURST; 0: off."},
    {"url_prevalence_max", T_INT, OFF(url_prevalence_max), "50", 0, 10000, NULL, NULL, true,
     "cache = redis: most URLs per message counted for prevalence; 0: none."},
    {"Cache", T_SECTION, 0, NULL, 0, 0, NULL, NULL, false, NULL},
    {"cache", T_ENUM, OFF(cache), "memory", 0, 0, cache_names, NULL, false,
     "Part verdict cache: memory (a bounded LRU inside this process), redis (shared by "
     "several milters; see redis) or off. Keys include the ruleset id, so new rules never "
     "reuse old findings."},
    {"redis", T_STRING, OFF(redis), "", 0, 0, NULL, NULL, false,
     "Redis server(s) for cache = redis: unix:/path or host:port, or a comma-separated list "
     "tried in order (e.g. a local replica first). No TLS: use loopback, a unix socket or a "
     "tunnel."},
    {"redis_db", T_INT, OFF(redis_db), "0", 0, 10000, NULL, NULL, false,
     "Redis database number (SELECT)."},
    {"redis_user", T_STRING, OFF(redis_user), "", 0, 0, NULL, NULL, false,
     "Redis ACL user name (AUTH user password); empty: AUTH with the password only."},
    {"redis_password", T_STRING, OFF(redis_password), "", 0, 0, NULL, NULL, false,
     "Redis password (empty: no AUTH). Keep this file unreadable by others when set."},
    {"cache_prefix", T_STRING, OFF(cache_prefix), "fm", 0, 0, NULL, NULL, false,
     "Prefix of every key we write (letters, digits, '_', '-', '.'), so one Redis can serve "
     "other applications; cache flush only deletes keys under it."},
    {"cache_ttl_clean", T_INT, OFF(cache_ttl_clean), "604800", 60, 31536000, NULL, NULL, true,
     "Seconds a part value without scored findings is kept."},
    {"cache_ttl_malicious", T_INT, OFF(cache_ttl_malicious), "2592000", 60, 31536000, NULL, NULL,
     true, "Seconds a part value with scored findings is kept."},
    {"redis_connect_timeout", T_INT, OFF(redis_connect_timeout), "200", 1, 60000, NULL, NULL, false,
     "Milliseconds to wait for a connection to Redis (also bounded by redis_timeout "
     "while a message waits)."},
    {"redis_timeout", T_INT, OFF(redis_timeout), "200", 1, 60000, NULL, NULL, false,
     "Milliseconds a message may wait for the cache in total (lookups, IOC refresh, stores); "
     "past it the message is scanned uncached and on_cache_error applies."},
    {"cache_breaker_seconds", T_INT, OFF(cache_breaker_seconds), "10", 1, 3600, NULL, NULL, false,
     "After a cache failure, seconds during which the cache is not tried (doubling per "
     "consecutive failure, up to 8 times); then one message probes it."},
    {"cache_memory_entries", T_INT, OFF(cache_memory_entries), "100000", 1, 100000000, NULL, NULL,
     false, "cache = memory: most entries kept (least recently used ones are evicted)."},
    {"cache_memory_bytes", T_SIZE, OFF(cache_memory_bytes), "64M", 64 * KIB, 64 * GIB, NULL, NULL,
     false, "cache = memory: most bytes of values kept."},
    {"prevalence_messages", T_INT, OFF(prevalence_messages), "20", 0, 10000, NULL, NULL, false,
     "Most messages (ref, time, sender, recipients) remembered per attachment hash for "
     "`fileless-ctl where` and `ioc import --hunt`."},
    {"prevalence_ttl", T_INT, OFF(prevalence_ttl), "7776000", 3600, 315360000, NULL, NULL, false,
     "Seconds an attachment hash's prevalence is kept after it was last seen."},
    {"on_cache_error", T_ENUM, OFF(on_cache_error), "accept", 0, 0, policy_names, NULL, true,
     "Action when the cache could not be used for a message (Redis down, slow or failing): "
     "accept keeps the uncached scan's verdict (fail open); a stronger verdict stands."},
};

#define NROWS (sizeof(config_table) / sizeof(config_table[0]))

/* find_row - the row for a key, or NULL */
static const CFG_ROW *find_row(const char *name)
{
    for (size_t i = 0; i < NROWS; i++)
        if (config_table[i].type != T_SECTION && strcmp(config_table[i].name, name) == 0)
            return &config_table[i];
    return NULL;
}

/* parse_number - integer with an optional K/M/G suffix (sizes only) */
static bool parse_number(const char *v, bool size, double *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || errno || n < 0)
        return false;
    double mult = 1;
    if (size && *end) {
        switch (toupper((unsigned char)*end)) {
        case 'K':
            mult = KIB;
            break;
        case 'M':
            mult = MIB;
            break;
        case 'G':
            mult = GIB;
            break;
        default:
            return false;
        }
        end++;
        if (toupper((unsigned char)*end) == 'B')
            end++;
    }
    if (*end)
        return false;
    *out = (double)n * mult;
    return true;
}

/* parse_flags - comma-separated tokens into a bit mask */
static bool parse_flags(const CFG_ROW *r, const char *v, unsigned *mask, BUF *why)
{
    char *copy = xstrdup(v);
    char *save = NULL;
    bool ok = true;
    *mask = 0;
    for (char *t = strtok_r(copy, ", ", &save); t && ok; t = strtok_r(NULL, ", ", &save)) {
        if (strcmp(t, "none") == 0)
            continue;
        if (strcmp(t, "all") == 0) {
            *mask = ~0u;
            continue;
        }
        ok = false;
        for (unsigned i = 0; r->names[i]; i++)
            if (strcmp(t, r->names[i]) == 0) {
                *mask |= 1u << i;
                ok = true;
            }
        if (!ok)
            buf_printf(why, "unknown value '%s' for '%s'", t, r->name);
    }
    free(copy);
    return ok;
}

/* set_value - parse v for row r into c; false with the reason in why */
static bool set_value(CONFIG *c, const CFG_ROW *r, const char *v, BUF *why)
{
    void *field = (char *)c + r->offset;
    double d;
    char *end;
    switch (r->type) {
    case T_STRING:
        free(*(char **)field);
        *(char **)field = xstrdup(v);
        return true;
    case T_ENUM:
        for (int i = 0; r->names[i]; i++) {
            if (strcmp(v, r->names[i]) == 0) {
                *(int *)field = r->values ? r->values[i] : i;
                return true;
            }
        }
        buf_printf(why, "bad value '%s' for '%s'", v, r->name);
        return false;
    case T_FLAGS:
        return parse_flags(r, v, (unsigned *)field, why);
    case T_DOUBLE:
        errno = 0;
        d = strtod(v, &end);
        if (end == v || *end || errno || !isfinite(d)) {
            buf_printf(why, "bad number '%s' for '%s'", v, r->name);
            return false;
        }
        break;
    default:
        if (!parse_number(v, r->type == T_SIZE, &d)) {
            buf_printf(why, "bad %s '%s' for '%s'", r->type == T_SIZE ? "size" : "integer", v,
                       r->name);
            return false;
        }
        break;
    }
    if (d < r->min || d > r->max) {
        buf_printf(why, "value '%s' for '%s' out of range [%.15g, %.15g]", v, r->name, r->min,
                   r->max);
        return false;
    }
    if (r->type == T_DOUBLE)
        *(double *)field = d;
    else
        *(int64_t *)field = (int64_t)d;
    return true;
}

/* config_new - a CONFIG holding every default */
CONFIG *config_new(void)
{
    CONFIG *c = xcalloc(1, sizeof(CONFIG));
    BUF *why = buf_new(64);
    for (size_t i = 0; i < NROWS; i++) {
        if (config_table[i].type != T_SECTION &&
            !set_value(c, &config_table[i], config_table[i].def, why)) {
            fprintf(stderr, "fileless-milter: internal error: default of %s: %s\n",
                    config_table[i].name, why->data);
            abort();
        }
    }
    buf_free(why);
    return c;
}

/* config_free - release; accepts NULL, returns NULL */
CONFIG *config_free(CONFIG *c)
{
    if (c == NULL)
        return NULL;
    for (size_t i = 0; i < NROWS; i++)
        if (config_table[i].type == T_STRING)
            free(*(char **)((char *)c + config_table[i].offset));
    free(c->path);
    free(c);
    return NULL;
}

/* config_dup - a copy with its own strings */
CONFIG *config_dup(const CONFIG *c)
{
    CONFIG *d = xmalloc(sizeof(CONFIG));
    *d = *c;
    for (size_t i = 0; i < NROWS; i++) {
        if (config_table[i].type == T_STRING) {
            char **f = (char **)((char *)d + config_table[i].offset);
            *f = *f ? xstrdup(*f) : NULL;
        }
    }
    d->path = c->path ? xstrdup(c->path) : NULL;
    return d;
}

/* config_set - one key's value, parsed as in the file; -1 with the reason in why */
int config_set(CONFIG *c, const char *key, const char *value, BUF *why)
{
    const CFG_ROW *r = find_row(key);
    if (r == NULL) {
        buf_printf(why, "unknown key '%s'", key);
        return -1;
    }
    return set_value(c, r, value, why) ? 0 : -1;
}

/* unquote - strip one pair of surrounding double quotes in place */
static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = 0;
        return v + 1;
    }
    return v;
}

/* valid_key - keys are lower-case letters, digits and underscores */
static bool valid_key(const char *k)
{
    if (*k == 0)
        return false;
    for (; *k; k++)
        if (!(islower((unsigned char)*k) || isdigit((unsigned char)*k) || *k == '_'))
            return false;
    return true;
}

/* parse_line - one non-comment line; false with the reason in why */
static bool parse_line(CONFIG *c, char *line, unsigned char *seen, BUF *why)
{
    char *eq = strchr(line, '=');
    if (eq == NULL) {
        buf_printf(why, "expected 'key = value'");
        return false;
    }
    *eq = 0;
    char *key = str_trim(line);
    char *val = unquote(str_trim(eq + 1));
    if (!valid_key(key)) {
        BUF *k = buf_new(32);
        str_sanitize(k, key, strlen(key), 64);
        buf_printf(why, "bad key '%s'", k->data);
        buf_free(k);
        return false;
    }
    const CFG_ROW *r = find_row(key);
    if (r == NULL) {
        buf_printf(why, "unknown key '%s'", key);
        return false;
    }
    if (seen[r - config_table]++) {
        buf_printf(why, "duplicate key '%s'", key);
        return false;
    }
    return set_value(c, r, val, why);
}

/* config_socket_mode - socket_mode as a number, or -1 when it is not octal 0..0777 */
int config_socket_mode(const CONFIG *c)
{
    char *end;
    errno = 0;
    long m = strtol(c->socket_mode, &end, 8);
    if (end == c->socket_mode || *end || errno || m < 0 || m > 0777)
        return -1;
    return (int)m;
}

/* reply_text_ok - an SMTP reply template: printable, at most one %s, no other %, at most 9
 * line breaks written as \n (libmilter's smfi_setmlreply takes up to 32 lines) */
static bool reply_text_ok(const char *t)
{
    int subst = 0;
    int lines = 1;
    for (const char *p = t; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
        if (*p == '%' && (p[1] != 's' || subst++))
            return false;
        if (p[0] == '\\' && p[1] == 'n' && (p[2] == 0 || ++lines > 10 || p == t))
            return false;
    }
    return strlen(t) <= 400;
}

/* check_cross - constraints between keys */
static bool check_cross(const CONFIG *c, BUF *why)
{
    if (c->tag_threshold > c->quarantine_threshold ||
        c->quarantine_threshold > c->reject_threshold) {
        buf_printf(why, "thresholds must satisfy tag_threshold <= quarantine_threshold <= "
                        "reject_threshold");
        return false;
    }
    if (config_socket_mode(c) < 0) {
        buf_printf(why, "socket_mode '%s' is not an octal mode", c->socket_mode);
        return false;
    }
    if (c->cache_prefix[0] == 0 ||
        strspn(c->cache_prefix, "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_-.") != strlen(c->cache_prefix)) {
        buf_printf(why, "cache_prefix '%s' may hold only letters, digits, '_', '-' and '.'",
                   c->cache_prefix);
        return false;
    }
    URIBL_ZONES *z = uribl_parse(c->uribl_zones, why);
    if (z == NULL)
        return false;
    uribl_free(z);
    if (!reply_text_ok(c->reject_text) || !reply_text_ok(c->tempfail_text)) {
        buf_puts(why, "reject_text and tempfail_text take at most one %s, no other %, and at most "
                      "9 inner \\n line breaks");
        return false;
    }
    return true;
}

/* config_load - parse a file into c (see config.h) */
int config_load(CONFIG *c, const char *path, BUF *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = config_load_stream(c, f, path, err);
    fclose(f);
    return rc;
}

typedef struct CONFIG_FILE {
    CONFIG *c;
    unsigned char *seen; /* the rows set so far: a second setting of one is an error */
} CONFIG_FILE;

/* config_line - linefile callback: one line of the configuration */
static bool config_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    CONFIG_FILE *cf = ctx;
    (void)lineno;
    return parse_line(cf->c, line, cf->seen, why);
}

/* config_load_stream - parse an open stream named path into c (see config.h) */
int config_load_stream(CONFIG *c, FILE *f, const char *path, BUF *err)
{
    free(c->path);
    c->path = xstrdup(path);
    unsigned char seen[NROWS] = {0};
    CONFIG_FILE cf = {c, seen};
    int rc = linefile_stream(f, path, LINEFILE_TRIM, config_line, &cf, err) < 0 ? -1 : 0;
    BUF *why = buf_new(64);
    if (rc == 0 && !check_cross(c, why)) {
        buf_printf(err, "%s: %s", path, why->data);
        rc = -1;
    }
    buf_free(why);
    return rc;
}

/* config_rows - the table, for config_dump.c */
const CFG_ROW *config_rows(size_t *n)
{
    *n = NROWS;
    return config_table;
}

/* config_default_path - ./milter.conf if present, else the system path */
const char *config_default_path(void)
{
    return access("milter.conf", F_OK) == 0 ? "milter.conf" : "/etc/fileless-milter/milter.conf";
}

/* config_resolve - a config-relative path made usable (caller frees) */
char *config_resolve(const CONFIG *c, const char *path)
{
    if (path[0] == '/' || c->path == NULL)
        return xstrdup(path);
    const char *slash = strrchr(c->path, '/');
    if (slash == NULL)
        return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - c->path), c->path, path);
}
