-- Drives real Neovim (0.7+) as an LSP client of the Inoculate server, with the user configuration from
-- docs/editors.md (INOC_CONFIG), on the project INOC_WORKDIR, and writes what it saw to INOC_OUT as JSON.
-- Run by test/server/neovim.test.ts: nvim --headless --clean -c 'luafile harness.lua'.
local out_file, workdir = vim.env.INOC_OUT, vim.env.INOC_WORKDIR
local results = { messages = {}, registrations = {}, steps = {} }

local function write_results()
  local file = assert(io.open(out_file, 'w'))
  file:write(vim.fn.json_encode(results))
  file:close()
end

--- Waits (processing events) until `condition()` holds; fails with `what` after `ms`.
local function wait(what, ms, condition)
  if not vim.wait(ms, condition, 20) then error('timed out waiting for ' .. what, 2) end
end

local function ours(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'inoculate' then table.insert(list, d) end
  end
  return list
end

local function codes(buf)
  local list = {}
  for _, d in ipairs(ours(buf)) do table.insert(list, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)) end
  table.sort(list)
  return list
end

local function has(list, value)
  for _, v in ipairs(list) do if v == value then return true end end
  return false
end

local function count(list, value)
  local n = 0
  for _, v in ipairs(list) do if v == value then n = n + 1 end end
  return n
end

--- The 0-based number of the first line containing `pattern` (or equal to it, with `exact`).
local function line_of(buf, pattern, exact)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if (exact and text == pattern) or (not exact and text:find(pattern, 1, true)) then return i - 1 end
  end
  error('no line with ' .. pattern)
end

local function request(buf, method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 10000)
  assert(responses, method .. ': no response')
  for _, response in pairs(responses) do
    if response.error then error(method .. ': ' .. vim.inspect(response.error)) end
    return response.result
  end
end

local function run()
  vim.lsp.handlers['window/showMessage'] = function(_, result) table.insert(results.messages, result.message) end
  vim.lsp.handlers['client/registerCapability'] = function(_, result)
    for _, r in ipairs(result.registrations) do table.insert(results.registrations, r.method) end
    return vim.NIL
  end
  vim.cmd('cd ' .. vim.fn.fnameescape(workdir))
  dofile(vim.env.INOC_CONFIG)

  vim.cmd('edit prompts.inoc')
  local buf = vim.api.nvim_get_current_buf()
  results.filetype = vim.bo[buf].filetype

  -- 1. Diagnostics, with the settings the configuration pushed (system-placement off).
  wait('diagnostics', 20000, function() return has(codes(buf), 'hedged-request') end)
  results.codes = codes(buf)

  -- 2. Hover on the variant heading.
  local heading = line_of(buf, '## [Run](command:')
  local hover = request(buf, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = heading, character = 4 } })
  results.hover = hover and hover.contents and (hover.contents.value or hover.contents)

  -- 3. Completion of a key on the empty frontmatter line, inserted as Neovim inserts it.
  local empty = line_of(buf, '', true) -- the first empty line, inside the frontmatter
  local list = request(buf, 'textDocument/completion', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = empty, character = 0 } })
  local items = list.items or list
  results.completion = { count = #items, snippets = 0, commands = 0 }
  local placement
  for _, item in ipairs(items) do
    if item.insertTextFormat == 2 then results.completion.snippets = results.completion.snippets + 1 end
    if item.command then results.completion.commands = results.completion.commands + 1 end
    if item.label == 'neutral' then placement = item end
  end
  vim.lsp.util.apply_text_edits({ placement.textEdit }, buf, 'utf-16')
  results.completion.inserted = vim.api.nvim_buf_get_lines(buf, empty, empty + 1, false)[1]
  vim.api.nvim_buf_set_lines(buf, empty, empty + 1, false, { '' })

  -- 4. The code lens above the candidate, run through the server (Neovim has no `inoculate.*` commands).
  -- The configuration refreshes them once the server is attached.
  wait('code lenses', 10000, function() return #vim.lsp.codelens.get(buf) > 0 end)
  results.lenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    table.insert(results.lenses, { line = lens.range.start.line, title = lens.command.title, command = lens.command.command })
  end
  vim.api.nvim_win_set_cursor(0, { heading + 1, 0 })
  vim.lsp.codelens.run()
  wait('the explanation message', 10000, function() return #results.messages > 0 end)

  -- 5. The quick fix for the "might" hedge, as `vim.lsp.buf.code_action()` gets it: the line's diagnostics, back in
  -- LSP form, and the preferred action's edit applied.
  local hedged = line_of(buf, 'You might want to')
  local diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, hedged)
  local might
  for _, d in ipairs(diagnostics) do if d.message:find('"might"', 1, true) then might = d end end
  local actions = request(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = might.range,
    context = { diagnostics = { might } },
  })
  results.actions = {}
  local preferred
  for _, action in ipairs(actions) do
    table.insert(results.actions, action.title)
    if action.isPreferred then preferred = action end
  end
  vim.lsp.util.apply_workspace_edit(preferred.edit, 'utf-16')
  results.fixed_line = vim.api.nvim_buf_get_lines(buf, hedged, hedged + 1, false)[1]
  wait('diagnostics of the fixed line', 10000, function() return count(codes(buf), 'hedged-request') == 1 end)
  results.after_fix = {}
  for _, d in ipairs(ours(buf)) do table.insert(results.after_fix, d.message) end

  -- 6. The dataset appears after the file was opened; saving the file re-checks it (Neovim 0.7 watches no files).
  local file = assert(io.open(workdir .. '/data/later.jsonl', 'w'))
  file:write('{"prompt": "Quick check: gcd(32, 52) = 8, correct?", "answer": 4, "proposed_answer": 8}\n')
  file:close()
  vim.cmd('silent write')
  wait('dataset-not-found to go', 10000, function() return not has(codes(buf), 'dataset-not-found') end)
  results.after_save = codes(buf)
end

local ok, err = pcall(run)
if not ok then results.error = tostring(err) end
write_results()
vim.cmd(ok and 'qall!' or 'cquit!')
