import { useEffect, useMemo, useState, type DragEvent } from 'react'
import { ApiError, request } from '../api/client'
import { ErrorNotice, fieldError } from '../components/ErrorNotice'
import { Field } from '../components/Field'
import { formatCount } from '../format'
import { rejectedRowsCsv } from './csv'
import type { ImportReport } from './importTypes'
import { IGNORE, mappingEntries, proposedChoices, repeatedFields } from './mapping'
import { regionOptions } from './regions'
import { browserRegion, fileErrorText, wizardText } from './wizardMessages'

type Step = 'upload' | 'mapping' | 'report' | 'done'

// A dry run of a file with no phone column still returns its preview, with the problem here.
type PreviewReport = ImportReport & { file_error?: { code: string; message: string } | null }

interface ImportOptions {
  defaultRegion: string
  delimiter: string
  encoding: string
  decimal: '.' | ','
  dateFormat: string
  datetimeFormat: string
}

const NO_OPTIONS: ImportOptions = { defaultRegion: '', delimiter: '', encoding: '', decimal: '.', dateFormat: '', datetimeFormat: '' }
const STEP_TITLES: Record<Step, string> = { upload: '1. Upload', mapping: '2. Columns', report: '3. Check', done: '4. Import' }

function importForm(file: File, options: ImportOptions, mapping: string[], dryRun: boolean): FormData {
  const form = new FormData()
  form.append('file', file)
  for (const entry of mapping) form.append('mapping', entry)
  if (options.defaultRegion) form.append('default_region', options.defaultRegion)
  if (options.delimiter) form.append('delimiter', options.delimiter)
  if (options.encoding.trim()) form.append('encoding', options.encoding.trim())
  form.append('decimal', options.decimal)
  if (options.dateFormat.trim()) form.append('date_format', options.dateFormat.trim())
  if (options.datetimeFormat.trim()) form.append('datetime_format', options.datetimeFormat.trim())
  form.append('dry_run', dryRun ? 'true' : 'false')
  return form
}

async function sendImport(runId: number, form: FormData): Promise<PreviewReport> {
  const response = await request('POST', `/api/runs/${runId}/imports`, form)
  return (await response.json()) as PreviewReport
}

/** The options a new upload starts with: the default region is the browser's, when offered. */
function startingOptions(): ImportOptions {
  const codes = regionOptions().map((region) => region.code)
  return { ...NO_OPTIONS, defaultRegion: browserRegion(navigator.language, codes) }
}

/** Import a CSV in four steps: upload, map columns, check the dry run's report, import. */
export function ImportWizard({ runId, onClose, onImported }: { runId: number; onClose: () => void; onImported: () => void }) {
  const [step, setStep] = useState<Step>('upload')
  const [file, setFile] = useState<File>()
  const [options, setOptions] = useState<ImportOptions>(NO_OPTIONS)
  const [choices, setChoices] = useState<Record<string, string>>({})
  const [preview, setPreview] = useState<PreviewReport>()
  const [report, setReport] = useState<ImportReport>()
  const [result, setResult] = useState<ImportReport>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  async function upload(chosen: File) {
    setFile(chosen)
    setError(undefined)
    setBusy(true)
    try {
      // The first dry run proposes the mapping, with the options left to detection.
      const found = await sendImport(runId, importForm(chosen, NO_OPTIONS, [], true))
      setOptions(startingOptions())
      setPreview(found)
      setChoices(proposedChoices(found.preview?.headers ?? [], found.mapping))
      setStep('mapping')
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  async function check() {
    if (!file) return
    setError(undefined)
    setBusy(true)
    try {
      const checked = await sendImport(runId, importForm(file, options, mappingEntries(choices), true))
      setPreview(checked)
      if (checked.file_error) return // Still no phone column: the mapping step shows why.
      setReport(checked)
      setStep('report')
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  async function confirm() {
    if (!file) return
    setError(undefined)
    setBusy(true)
    try {
      setResult(await sendImport(runId, importForm(file, options, mappingEntries(choices), false)))
      setStep('done')
      onImported()
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="import-wizard" aria-label="Import recipients">
      <header>
        <h3>Import recipients</h3>
        <ol className="wizard-steps">
          {(Object.keys(STEP_TITLES) as Step[]).map((name) => (
            <li key={name} aria-current={name === step ? 'step' : undefined}>
              {STEP_TITLES[name]}
            </li>
          ))}
        </ol>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {step === 'upload' && <UploadStep busy={busy} error={error} onFile={(chosen) => void upload(chosen)} />}
      {step === 'mapping' && preview && (
        <MappingStep
          report={preview}
          choices={choices}
          options={options}
          error={error}
          busy={busy}
          onChoices={setChoices}
          onOptions={setOptions}
          onBack={() => {
            setError(undefined)
            setStep('upload')
          }}
          onNext={() => void check()}
        />
      )}
      {step === 'report' && report && (
        <>
          <ReportView report={report} />
          <ErrorNotice error={error} />
          <div className="wizard-actions">
            <button type="button" onClick={() => setStep('mapping')}>
              Back
            </button>
            <button type="button" className="primary" disabled={busy || report.accepted === 0} onClick={() => void confirm()}>
              Import {formatCount(report.accepted)} recipient{report.accepted === 1 ? '' : 's'}
            </button>
          </div>
        </>
      )}
      {step === 'done' && result && (
        <>
          <p role="status" className="import-result">
            Imported {formatCount(result.accepted)} recipient{result.accepted === 1 ? '' : 's'} from {result.filename ?? 'the file'}
            {result.rejected_rows > 0 && `; ${formatCount(result.rejected_rows)} rejected`}
            {result.duplicate_count > 0 && `; ${formatCount(result.duplicate_count)} duplicates skipped`}.
          </p>
          <ReportView report={result} />
          <div className="wizard-actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      )}
    </section>
  )
}

function UploadStep({ busy, error, onFile }: { busy: boolean; error: unknown; onFile: (file: File) => void }) {
  const [dragging, setDragging] = useState(false)

  function drop(event: DragEvent) {
    event.preventDefault()
    setDragging(false)
    const dropped = event.dataTransfer.files[0]
    if (dropped) onFile(dropped)
  }

  return (
    <div
      className={`drop-zone${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <Field label="CSV file" hint="Choose a file or drop it here. It needs a column of phone numbers.">
        {(props) => (
          <input
            {...props}
            type="file"
            accept=".csv,.txt,text/csv"
            disabled={busy}
            onChange={(event) => {
              const chosen = event.target.files?.[0]
              if (chosen) onFile(chosen)
              event.target.value = ''
            }}
          />
        )}
      </Field>
      {busy && <p role="status">Reading the file…</p>}
      <ErrorNotice error={error} />
    </div>
  )
}

interface MappingProps {
  report: PreviewReport
  choices: Record<string, string>
  options: ImportOptions
  error: unknown
  busy: boolean
  onChoices: (choices: Record<string, string>) => void
  onOptions: (options: ImportOptions) => void
  onBack: () => void
  onNext: () => void
}

function MappingStep({ report, choices, options, error, busy, onChoices, onOptions, onBack, onNext }: MappingProps) {
  const preview = report.preview
  const regions = useMemo(() => regionOptions(), [])
  const repeated = repeatedFields(choices)
  const setOption = (change: Partial<ImportOptions>) => onOptions({ ...options, ...change })
  const mappingError = fieldError(error, 'mapping')
  const regionError = fieldError(error, 'default_region')
  const fileError = report.file_error
  const phoneChosen = Object.values(choices).includes('phone_number')
  const browserCode = browserRegion(navigator.language, regions.map((region) => region.code))
  const optionError = ['default_region', 'delimiter', 'encoding', 'decimal', 'date_format', 'datetime_format'].some((name) => fieldError(error, name))
  if (!preview) return null

  return (
    <div className="mapping-step">
      <p className="hint">
        Read as {report.encoding}
        {report.encoding_fallback && ' (not UTF-8, so read with the fallback encoding; check the accents below)'}, delimiter{' '}
        <code>{report.delimiter === '\t' ? 'tab' : report.delimiter}</code>, {formatCount(report.rows)} rows. The first {preview.rows.length} rows:
      </p>
      <div className="table-scroll">
        <table className="table preview-table">
          <thead>
            <tr>
              <th scope="col">Line</th>
              {preview.headers.map((header, index) => (
                <th key={index} scope="col">
                  <span className="column-name">{header || `(column ${index + 1})`}</span>
                  <select
                    aria-label={`Map column ${header}`}
                    value={choices[header] ?? IGNORE}
                    onChange={(event) => onChoices({ ...choices, [header]: event.target.value })}
                  >
                    <option value={IGNORE}>ignore</option>
                    {preview.fields.map((field) => (
                      <option key={field} value={field}>
                        {field}
                      </option>
                    ))}
                  </select>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row) => (
              <tr key={row.line}>
                <td>{row.line}</td>
                {preview.headers.map((_, index) => (
                  <td key={index}>{row.cells[index] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {repeated.length > 0 && (
        <p className="field-error" role="alert">
          {repeated.join(', ')} is chosen for more than one column; map each field to one column.
        </p>
      )}
      {mappingError && (
        <p className="field-error" role="alert">
          {wizardText(mappingError)}
        </p>
      )}
      {fileError && !phoneChosen && (
        <p className="field-error" role="alert">
          {fileErrorText(fileError.code) ?? wizardText(fileError.message)}
        </p>
      )}

      <Field
        label="Default region"
        hint={
          'The country of numbers written without a country code, such as 202 555 0101; numbers that start with + keep their own.' +
          (browserCode ? ` Preset to ${browserCode}, the region of your browser's language.` : '')
        }
        error={regionError && wizardText(regionError)}
      >
        {(props) => (
          <select {...props} value={options.defaultRegion} onChange={(event) => setOption({ defaultRegion: event.target.value })}>
            <option value="">None: every number has its country code</option>
            {regions.map((region) => (
              <option key={region.code} value={region.code}>
                {region.name} ({region.code})
              </option>
            ))}
          </select>
        )}
      </Field>

      <details className="advanced" open={optionError || undefined}>
        <summary>Options</summary>
        <div className="field-row">
          <Field label="Delimiter" error={fieldError(error, 'delimiter')}>
            {(props) => (
              <select {...props} value={options.delimiter} onChange={(event) => setOption({ delimiter: event.target.value })}>
                <option value="">Detect</option>
                <option value=",">Comma ,</option>
                <option value=";">Semicolon ;</option>
                <option value="tab">Tab</option>
                <option value="|">Bar |</option>
              </select>
            )}
          </Field>
          <Field label="Encoding" hint="Blank to detect: UTF-8, else Windows-1252." error={fieldError(error, 'encoding')}>
            {(props) => <input {...props} list="import-encodings" value={options.encoding} onChange={(event) => setOption({ encoding: event.target.value })} />}
          </Field>
          <datalist id="import-encodings">
            <option value="utf-8" />
            <option value="windows-1252" />
            <option value="latin-1" />
            <option value="utf-16" />
          </datalist>
          <Field label="Decimal mark" error={fieldError(error, 'decimal')}>
            {(props) => (
              <select {...props} value={options.decimal} onChange={(event) => setOption({ decimal: event.target.value as '.' | ',' })}>
                <option value=".">Point: 1234.5</option>
                <option value=",">Comma: 1234,5</option>
              </select>
            )}
          </Field>
        </div>
        <div className="field-row">
          <Field label="Date format" hint="strptime, e.g. %d/%m/%Y; blank for ISO 8601." error={fieldError(error, 'date_format')}>
            {(props) => <input {...props} value={options.dateFormat} onChange={(event) => setOption({ dateFormat: event.target.value })} />}
          </Field>
          <Field label="Date-time format" hint="strptime, e.g. %d/%m/%Y %H:%M." error={fieldError(error, 'datetime_format')}>
            {(props) => <input {...props} value={options.datetimeFormat} onChange={(event) => setOption({ datetimeFormat: event.target.value })} />}
          </Field>
        </div>
      </details>

      {error instanceof ApiError && error.errors.length > 0 ? null : error instanceof ApiError ? (
        <p className="field-error" role="alert">
          {wizardText(error.message)}
        </p>
      ) : (
        <ErrorNotice error={error} />
      )}
      <div className="wizard-actions">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="button" className="primary" onClick={onNext} disabled={busy || repeated.length > 0 || (Boolean(fileError) && !phoneChosen)}>
          Check the file
        </button>
      </div>
    </div>
  )
}

function ReportView({ report }: { report: ImportReport }) {
  const csvUrl = useObjectUrl(report.row_errors.length > 0 ? rejectedRowsCsv(report.row_errors) : undefined)
  return (
    <div className="import-report">
      <ul className="report-counts" aria-label="Import report">
        <li>
          <strong>{formatCount(report.accepted)}</strong> accepted
        </li>
        <li>
          <strong>{formatCount(report.rejected_rows)}</strong> rejected
        </li>
        <li>
          <strong>{formatCount(report.duplicate_count)}</strong> duplicates
        </li>
        <li>
          <strong>{formatCount(report.blank_rows)}</strong> blank rows skipped
        </li>
        <li>
          Encoding <strong>{report.encoding}</strong>
          {report.encoding_fallback && ' (fallback: the file is not UTF-8)'}
        </li>
      </ul>
      {report.unmapped_columns.length > 0 && <p className="hint">Columns not imported: {report.unmapped_columns.join(', ')}.</p>}
      {report.row_errors.length > 0 && (
        <>
          <h4>
            Rejected rows{' '}
            {csvUrl && (
              <a href={csvUrl} download="rejected-rows.csv">
                Download rejected rows (CSV)
              </a>
            )}
          </h4>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Column</th>
                  <th scope="col">Value</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.row_errors.map((row, index) => (
                  <tr key={index}>
                    <td>{row.line}</td>
                    <td>{row.column ?? '—'}</td>
                    <td className="cell-value">{row.value ?? '—'}</td>
                    <td>{wizardText(row.message)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.row_errors_omitted > 0 && (
            <p className="hint">{formatCount(report.row_errors_omitted)} more rejected rows are counted but not listed, here or in the download.</p>
          )}
        </>
      )}
      {report.duplicates.length > 0 && (
        <>
          <h4>Duplicates</h4>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Phone number</th>
                  <th scope="col">Same number as</th>
                </tr>
              </thead>
              <tbody>
                {report.duplicates.map((duplicate) => (
                  <tr key={duplicate.line}>
                    <td>{duplicate.line}</td>
                    <td>{duplicate.phone_number}</td>
                    <td>{typeof duplicate.duplicate_of === 'number' ? `line ${duplicate.duplicate_of}` : duplicate.duplicate_of}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.duplicates_omitted > 0 && <p className="hint">{formatCount(report.duplicates_omitted)} more duplicates are counted but not listed.</p>}
        </>
      )}
    </div>
  )
}

/** Create an object URL for text and revoke it when the text changes or the component unmounts. */
function useObjectUrl(text: string | undefined): string | undefined {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    if (text === undefined) {
      setUrl(undefined)
      return
    }
    const created = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
    setUrl(created)
    return () => URL.revokeObjectURL(created)
  }, [text])
  return url
}
