-- oversize.lua - a message past max_message_size gets on_oversize (run.sh: 2K, tempfail):
-- 451 4.7.1 with the ref id
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local raw = fm.read(os.getenv("FM_DATA") .. "/newsletter.eml") .. string.rep("filler line\n", 400)
local conn = fm.session(raw)
if mt.getreply(conn) ~= SMFIR_REPLYCODE then fm.fail("reply is not a reply code: " .. mt.getreply(conn)) end
local ref = fm.logref("QID1")
local text = "Message could not be scanned, try again later (ref " .. ref .. ")"
if not mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1", text) then
    fm.fail("reply is not 451 4.7.1 " .. text)
end
mt.disconnect(conn)
