-- flood.lua - header-line floods through the daemon (default limits): 2,000,000 "X:A"
-- lines in the second part (in the body, as the MTA sends it) and FM_TOP_HEADERS
-- top-level header fields; both get a verdict, the .js behind the flood is still seen,
-- LIMIT_HEADER_LINES is reported. run.sh checks the daemon's peak and remaining RSS.
-- With FM_NOLIMIT set (a daemon without the line caps) only the verdicts are asserted,
-- and FM_PART_LINES sets the size of the part flood.
local nolimit = os.getenv("FM_NOLIMIT") ~= nil
dofile(os.getenv("FM_DIR") .. "/lib.lua")

-- send - one message: headers (name, value pairs repeated n times first) and body
local function send(qid, nflood, body)
    local conn = mt.connect(os.getenv("FM_SOCK"), 40, 0.25)
    if conn == nil then fm.fail("cannot connect") end
    mt.set_timeout(120)
    if mt.conninfo(conn, "client.example", "192.0.2.7") ~= nil then fm.fail("conninfo") end
    mt.macro(conn, SMFIC_MAIL, "i", qid)
    if mt.mailfrom(conn, "<sender@example.org>") ~= nil then fm.fail("mailfrom") end
    if mt.rcptto(conn, "<user@example.net>") ~= nil then fm.fail("rcptto") end
    for _ = 1, nflood do
        if mt.header(conn, "X", "A") ~= nil then fm.fail("flood header") end
    end
    for _, h in ipairs({{"From", " a@example.org"}, {"Subject", " flood"}, {"MIME-Version", " 1.0"},
                        {"Content-Type", ' multipart/mixed; boundary="B"'}}) do
        if mt.header(conn, h[1], h[2]) ~= nil then fm.fail("header " .. h[1]) end
    end
    if mt.eoh(conn) ~= nil then fm.fail("eoh") end
    for i = 1, #body, 60000 do
        if mt.bodystring(conn, body:sub(i, i + 59999)) ~= nil then fm.fail("body") end
    end
    if mt.eom(conn) ~= nil then fm.fail("eom") end
    return conn
end

-- a harmless .js (a name finding, tag): a dropper here would be rejected, with no headers
local js = "dmFyIHggPSAxOyBmdW5jdGlvbiBhZGQoYSxiKXtyZXR1cm4gYStiO30geCA9IGFkZCh4LDIpOwo=\r\n"
local tail = 'Content-Type: application/octet-stream; name="a.js"\r\n' ..
                 'Content-Disposition: attachment; filename="a.js"\r\n' ..
                 "Content-Transfer-Encoding: base64\r\n\r\n" .. js .. "--B--\r\n"
local body = "--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B\r\n" ..
                 string.rep("X:A\r\n", tonumber(os.getenv("FM_PART_LINES") or "2000000")) .. tail
local conn = send("FLOOD1", 0, body)
if not nolimit then fm.expect_header(conn, "X-Fileless-Report", "LIMIT_HEADER_LINES") end
fm.expect_header(conn, "X-Fileless-Report", "FILE_DANGEROUS_EXT")
mt.disconnect(conn)

conn = send("FLOOD2", tonumber(os.getenv("FM_TOP_HEADERS") or "200000"),
            "--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n")
if not nolimit then fm.expect_header(conn, "X-Fileless-Report", "LIMIT_HEADER_LINES") end
mt.disconnect(conn)
