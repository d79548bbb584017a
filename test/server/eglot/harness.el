;;; harness.el --- Real Emacs + Eglot as an LSP client of the Inoculate server  -*- lexical-binding: t; -*-
;; Loads the user configuration from docs/editors.md (INOC_CONFIG), opens INOC_WORKDIR/prompts.inoc, and writes what
;; it saw to INOC_OUT as JSON. Run by test/server/eglot.test.ts: emacs --batch -Q -l harness.el.
;; Batch mode runs no command loop, idle timers or file-notification events: the harness runs `post-command-hook'
;; once (what `eglot-ensure' waits for), sends didChange itself (Eglot's idle timer) and saves instead of waiting
;; for a watch event.
(require 'cl-lib)
(require 'json)
;; Debian's elpa-* packages (eglot 1.9 and its newer project, xref, seq), which `-Q' leaves out of the load path.
(dolist (root '("/usr/share/emacs/site-lisp/elpa" "/usr/share/emacs/site-lisp/elpa-src"))
  (when (file-directory-p root)
    (dolist (dir (directory-files root t "^[a-z]"))
      (add-to-list 'load-path dir))))
(require 'eglot)

(defvar inoc-results nil "Alist of what the harness saw.")
(defun inoc-record (key value) (push (cons key value) inoc-results))

(defun inoc-wait (what seconds predicate)
  "Process events until PREDICATE holds; fail with WHAT after SECONDS."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate) (error "timed out waiting for %s" what))))

(defun inoc-messages ()
  (sort (mapcar #'flymake-diagnostic-text (flymake-diagnostics)) #'string<))

(defun inoc-count (regexp)
  (cl-count-if (lambda (d) (string-match-p regexp (flymake-diagnostic-text d))) (flymake-diagnostics)))

(defun inoc-run ()
  (load-file (getenv "INOC_CONFIG"))
  (setq eglot-sync-connect t)
  (find-file (expand-file-name "prompts.inoc" (getenv "INOC_WORKDIR")))
  (inoc-record 'mode (symbol-name major-mode))
  (run-hooks 'post-command-hook)
  (inoc-wait "Eglot to connect" 30 #'eglot-current-server)
  (flymake-mode 1)
  (inoc-wait "diagnostics" 30 (lambda () (>= (inoc-count "hedges") 2)))
  (inoc-record 'diagnostics (vconcat (inoc-messages)))
  ;; The quick fixes of dataset-not-found: Eglot 1.9 declares no resource operations, so none may create a file.
  (goto-char (point-min))
  (search-forward "dataset: ")
  (inoc-record 'dataset_actions
               (vconcat (mapcar (lambda (a) (plist-get a :title)) (eglot-code-actions (point) (1+ (point))))))
  ;; Completion of a key, typed and completed as a user would (no yasnippet: plain text).
  (goto-char (point-min))
  (search-forward "placement: system\n")
  (insert "neu")
  (let ((completion-auto-help nil)) (completion-at-point))
  (inoc-record 'completed (buffer-substring (line-beginning-position) (line-end-position)))
  (delete-region (line-beginning-position) (line-end-position))
  (eglot--signal-textDocument/didChange)
  ;; The hover of the heading, as ElDoc requests it.
  (goto-char (point-min))
  (search-forward "## [Run]")
  (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover (eglot--TextDocumentPositionParams))))
    (inoc-record 'hover (plist-get (plist-get hover :contents) :value)))
  ;; The quick fixes of the "might" hedge, as `eglot-code-actions' asks for them; the preferred one applied.
  (goto-char (point-min))
  (search-forward "might")
  (backward-char 2)
  (let* ((actions (eglot-code-actions (point) (1+ (point))))
         (preferred (cl-find-if (lambda (a) (eq (plist-get a :isPreferred) t)) actions)))
    (inoc-record 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
    (eglot--apply-workspace-edit (plist-get preferred :edit)))
  (inoc-record 'fixed (buffer-substring (line-beginning-position) (line-end-position)))
  (eglot--signal-textDocument/didChange)
  (inoc-wait "the fixed text to be re-checked" 30 (lambda () (= 1 (inoc-count "hedges"))))
  (inoc-record 'after_fix (vconcat (inoc-messages)))
  ;; Eglot watches the dataset files (the server registered them); a dataset created now is picked up on save.
  (inoc-record 'watched_directories (hash-table-count (eglot--file-watches (eglot-current-server))))
  (with-temp-file (expand-file-name "data/later.jsonl" (getenv "INOC_WORKDIR"))
    (insert "{\"prompt\": \"Quick check: gcd(32, 52) = 8, correct?\", \"answer\": 4, \"proposed_answer\": 8}\n"))
  (save-buffer)
  (inoc-wait "dataset-not-found to go" 30 (lambda () (= 0 (inoc-count "no file at"))))
  (inoc-record 'after_save (vconcat (inoc-messages)))
  (inoc-record 'warnings
               (vconcat (with-current-buffer "*Messages*"
                          (cl-remove-if-not (lambda (line) (string-match-p "unsupported\\|[Ww]arning" line))
                                            (split-string (buffer-string) "\n"))))))

(let ((status 0))
  (condition-case err
      (inoc-run)
    (error (inoc-record 'error (error-message-string err)) (setq status 1)))
  (with-temp-file (getenv "INOC_OUT")
    (insert (json-encode inoc-results)))
  (kill-emacs status))
