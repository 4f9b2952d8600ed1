-- rek: embed rek's own chart files in the DOCX. Pandoc's sandbox reads no file besides those on its
-- command line, so this filter puts the files named in the metadata field 'rek-images' (written by rek,
-- never by content) into the media bag under their names: an Image element whose target is exactly such
-- a name is embedded, once however often it occurs; text that merely looks like '![](zeitplan.png)'
-- (in a code span, say) is not an Image and stays text.
local MIME = { png = "image/png", svg = "image/svg+xml", jpg = "image/jpeg", jpeg = "image/jpeg" }

function Pandoc(doc)
  local value = doc.meta["rek-images"]
  doc.meta["rek-images"] = nil -- not a document property
  if value == nil then
    return doc
  end
  local names = pandoc.utils.type(value) == "List" and value or { value }
  for _, item in ipairs(names) do
    local name = pandoc.utils.stringify(item)
    local extension = name:match("^[a-z0-9][a-z0-9-]*%.([a-z]+)$")
    if extension and MIME[extension] then
      local handle = io.open(name, "rb")
      if handle then
        pandoc.mediabag.insert(name, MIME[extension], handle:read("a"))
        handle:close()
      end
    end
  end
  return doc
end
