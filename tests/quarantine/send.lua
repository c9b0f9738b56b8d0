-- send.lua - send FM_MSG through the daemon at FM_SOCK and check the outcome FM_WANT:
--   discard   the message was stored and discarded (SMFIR_DISCARD)
--   tempfail  451 4.7.1 (SMFIR_REPLYCODE with a 451 reply)
--   reject    550 5.7.1 with reject_text and the ref of the last log line
--   accept    delivered (SMFIR_CONTINUE), not quarantined; FM_VERDICT, when set, is a Lua
--             pattern the added X-Fileless-Verdict value must match
-- FM_DELETED names a header the milter must delete, FM_KEPT one it must not delete
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local want = os.getenv("FM_WANT")
local conn = fm.session(fm.read(os.getenv("FM_MSG")))
local reply = mt.getreply(conn)
if want == "discard" then
    if reply ~= SMFIR_DISCARD then fm.fail("want discard, got reply " .. tostring(reply)) end
elseif want == "tempfail" then
    if reply ~= SMFIR_REPLYCODE then fm.fail("want a 451 reply, got reply " .. tostring(reply)) end
    -- miltertest compares the whole reply: rebuild it with the ref of the last log line
    local ref
    for line in io.lines(os.getenv("FM_LOG")) do ref = line:match("ref=(%x+) qid=") or ref end
    local text = "Message could not be scanned, try again later (ref " .. tostring(ref) .. ")"
    if not mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1", text) then
        fm.fail("reply is not 451 4.7.1 " .. text)
    end
elseif want == "reject" then
    if reply ~= SMFIR_REPLYCODE then fm.fail("want a 550 reply, got reply " .. tostring(reply)) end
    local ref
    for line in io.lines(os.getenv("FM_LOG")) do ref = line:match("ref=(%x+) qid=") or ref end
    local text = "Message rejected: dangerous content (ref " .. tostring(ref) .. ")"
    if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", text) then
        fm.fail("reply is not 550 5.7.1 " .. text)
    end
elseif want == "accept" then
    if reply ~= SMFIR_CONTINUE then fm.fail("want continue, got reply " .. tostring(reply)) end
    if mt.eom_check(conn, MT_QUARANTINE) then fm.fail("quarantined in the hold queue") end
    if os.getenv("FM_VERDICT") then
        fm.expect_header(conn, "X-Fileless-Verdict", os.getenv("FM_VERDICT"))
    end
else
    fm.fail("FM_WANT must be discard, tempfail, reject or accept")
end
local del, kept = os.getenv("FM_DELETED"), os.getenv("FM_KEPT")
if del and del ~= "" and not mt.eom_check(conn, MT_HDRDELETE, del) then fm.fail(del .. " not deleted") end
if kept and kept ~= "" and mt.eom_check(conn, MT_HDRDELETE, kept) then fm.fail(kept .. " deleted") end
mt.disconnect(conn)
