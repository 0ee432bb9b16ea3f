-- themis.lua: a Wireshark dissector for THEMIS datagrams (docs/protocol.md), for the pcap files
-- of themis-sim --pcap and captures of themisd. It names the packet type and every header
-- field; DATA stays encrypted (only its index and counter are shown), while a PLAIN packet (the
-- insecure baseline) shows the frame inside: its DHT message type and request id.
--
--   wireshark -X lua_script:analysis/themis.lua results/run.pcap
--   tshark -X lua_script:analysis/themis.lua -r results/run.pcap
--
-- The simulator's default port, 7474 ([network] port, scenarios/README.md), is registered
-- below; for another port use Decode As... > THEMIS, or tshark -d udp.port==PORT,themis.

local themis = Proto("themis", "THEMIS secure service mesh")

local types = { [1] = "HELLO", [2] = "REPLY", [3] = "CONFIRM", [4] = "DATA", [5] = "PLAIN" }
local frames = {
	[0x01] = "PING", [0x02] = "FIND", [0x03] = "STORE", [0x04] = "JOIN", [0x05] = "UPDATE",
	[0x06] = "LEAVE", [0x07] = "GET_SUCC", [0x08] = "TRANSFER", [0x09] = "REPLICATE",
	[0x81] = "PONG", [0x82] = "FIND_R", [0x83] = "STORE_R", [0x84] = "JOIN_R",
	[0x85] = "UPDATE_R", [0x86] = "LEAVE_R", [0x87] = "GET_SUCC_R", [0x88] = "TRANSFER_R",
	[0x89] = "REPLICATE_R",
}

local f = themis.fields
f.version  = ProtoField.uint8("themis.version", "Version", base.DEC)
f.type     = ProtoField.uint8("themis.type", "Type", base.DEC, types)
f.reserved = ProtoField.uint16("themis.reserved", "Reserved", base.HEX)
f.idx_a    = ProtoField.uint32("themis.idx_a", "Initiator index (idx_a)", base.HEX)
f.idx_b    = ProtoField.uint32("themis.idx_b", "Responder index (idx_b)", base.HEX)
f.idx      = ProtoField.uint32("themis.idx", "Receiver index (idx)", base.HEX)
f.ctr      = ProtoField.uint64("themis.ctr", "Counter (ctr)", base.DEC)
f.net      = ProtoField.bytes("themis.net", "Network hash (net)")
f.pk       = ProtoField.bytes("themis.pk", "Ed25519 public key (PK)")
f.e        = ProtoField.bytes("themis.e", "Ephemeral X25519 key (E)")
f.nonce    = ProtoField.bytes("themis.nonce", "Nonce (N)")
f.id_b     = ProtoField.bytes("themis.id_b", "Identity sought (id_B)")
f.id_a     = ProtoField.bytes("themis.id_a", "Initiator identity (id_A)")
f.id_s     = ProtoField.bytes("themis.id_sender", "Sender identity (id_sender)")
f.padding  = ProtoField.bytes("themis.padding", "Padding")
f.sig      = ProtoField.bytes("themis.sig", "Ed25519 signature")
f.conf     = ProtoField.bytes("themis.conf", "Key confirmation (conf)")
f.ct       = ProtoField.bytes("themis.ciphertext", "Encrypted frame")
f.tag      = ProtoField.bytes("themis.tag", "Poly1305 tag")
f.ftype    = ProtoField.uint8("themis.frame.type", "Frame type", base.HEX, frames)
f.req      = ProtoField.uint64("themis.frame.req_id", "Request id", base.HEX)
f.body     = ProtoField.bytes("themis.frame.body", "Frame body")

-- The exact length each type allows (docs/protocol.md, section 2).
local function length_ok(t, n)
	if t == 1 then return n == 256 end
	if t == 2 then return n == 236 end
	if t == 3 then return n == 44 end
	if t == 4 then return n >= 41 and n <= 1232 end
	if t == 5 then return n >= 53 and n <= 1232 end
	return false
end

function themis.dissector(buf, pinfo, root)
	local n = buf:len()
	if n < 4 or buf(0, 1):uint() ~= 1 or buf(2, 2):uint() ~= 0 then
		return 0
	end
	local t = buf(1, 1):uint()
	if not types[t] or not length_ok(t, n) then
		return 0
	end
	pinfo.cols.protocol = "THEMIS"
	local tree = root:add(themis, buf(), "THEMIS " .. types[t])
	tree:add(f.version, buf(0, 1))
	tree:add(f.type, buf(1, 1))
	tree:add(f.reserved, buf(2, 2))
	local info = types[t]
	if t == 1 then
		tree:add(f.idx_a, buf(4, 4))
		tree:add(f.net, buf(8, 32))
		tree:add(f.pk, buf(40, 32))
		tree:add(f.e, buf(72, 32))
		tree:add(f.nonce, buf(104, 32))
		tree:add(f.id_b, buf(136, 32))
		tree:add(f.padding, buf(168, 24))
		tree:add(f.sig, buf(192, 64))
		info = string.format("HELLO idx_a=%08x", buf(4, 4):uint())
	elseif t == 2 then
		tree:add(f.idx_b, buf(4, 4))
		tree:add(f.idx_a, buf(8, 4))
		tree:add(f.pk, buf(12, 32))
		tree:add(f.e, buf(44, 32))
		tree:add(f.nonce, buf(76, 32))
		tree:add(f.id_a, buf(108, 32))
		tree:add(f.sig, buf(140, 64))
		tree:add(f.conf, buf(204, 32))
		info = string.format("REPLY idx_a=%08x idx_b=%08x", buf(8, 4):uint(), buf(4, 4):uint())
	elseif t == 3 then
		tree:add(f.idx_a, buf(4, 4))
		tree:add(f.idx_b, buf(8, 4))
		tree:add(f.conf, buf(12, 32))
		info = string.format("CONFIRM idx_a=%08x idx_b=%08x", buf(4, 4):uint(), buf(8, 4):uint())
	elseif t == 4 then
		tree:add(f.idx, buf(4, 4))
		tree:add(f.ctr, buf(8, 8))
		tree:add(f.ct, buf(16, n - 32))
		tree:add(f.tag, buf(n - 16, 16))
		info = string.format("DATA idx=%08x ctr=%s", buf(4, 4):uint(), buf(8, 8):uint64():tonumber())
	else
		tree:add(f.id_s, buf(4, 32))
		tree:add(f.ctr, buf(36, 8))
		local fr = tree:add(buf(44, n - 44), "Frame")
		local ft = buf(44, 1):uint()
		fr:add(f.ftype, buf(44, 1))
		fr:add(f.req, buf(45, 8))
		if n > 53 then
			fr:add(f.body, buf(53, n - 53))
		end
		info = string.format("PLAIN %s req=%s", frames[ft] or string.format("type 0x%02x", ft),
			buf(45, 8):uint64():tohex())
	end
	pinfo.cols.info = info .. string.format(" (%d bytes)", n)
	return n
end

-- The simulator's default port; themisd has no fixed port (its --listen says which).
DissectorTable.get("udp.port"):add(7474, themis)
