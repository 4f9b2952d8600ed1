-- rek: page layout of the PDF (Pandoc's Typst writer only). Every raw Typst line this filter writes is
-- a fixed text of rek's own; content is never turned into raw output.
--
-- 1. A heading stays with what it introduces: a short paragraph between a heading and its table (the
--    one-line summary above a measure profile) is kept on the page of the table, so the heading (sticky
--    by header.typ) never stands at a page foot with its table on the next page.
-- 2. A run-in heading (a paragraph of bold text only, such as the title above the criteria matrix) is
--    kept with the block after it, like a heading.
-- 3. The table of contents (metadata 'rek-contents', set by rek instead of Pandoc's --toc) follows the
--    cover: the title page holds the key facts that stand before the first heading, the contents come
--    after them on a page of their own.

local STICKY_OPEN = "#block(sticky: true)["
local STICKY_CLOSE = "]"
local SHORT = 700 -- characters: a paragraph up to this length may be kept with the table after it

local function is_table(block)
  return block ~= nil and (block.t == "Table" or block.t == "Figure")
end

local function is_runin(block)
  return block ~= nil and block.t == "Para" and #block.content == 1 and block.content[1].t == "Strong"
end

local function sticky(block)
  return { pandoc.RawBlock("typst", STICKY_OPEN), block, pandoc.RawBlock("typst", STICKY_CLOSE) }
end

function Pandoc(doc)
  local depth = doc.meta["rek-contents"]
  doc.meta["rek-contents"] = nil -- not a document property
  local blocks = doc.blocks
  local out = {}
  local outline_done = depth == nil
  local i = 1
  while i <= #blocks do
    local block = blocks[i]
    if not outline_done and (block.t == "Header" or is_runin(block)) then
      local levels = tonumber(pandoc.utils.stringify(depth)) or 2
      table.insert(out, pandoc.RawBlock("typst", "#outline(title: auto, depth: " .. math.floor(levels) .. ")"))
      outline_done = true
    end
    local following = blocks[i + 1]
    if block.t == "Header"
      and following ~= nil
      and (following.t == "Para" or following.t == "Plain")
      and #pandoc.utils.stringify(following) <= SHORT
      and is_table(blocks[i + 2])
    then
      table.insert(out, block)
      for _, b in ipairs(sticky(following)) do
        table.insert(out, b)
      end
      i = i + 2
    elseif is_runin(block) and following ~= nil then
      for _, b in ipairs(sticky(block)) do
        table.insert(out, b)
      end
      i = i + 1
    else
      table.insert(out, block)
      i = i + 1
    end
  end
  doc.blocks = out
  return doc
end
