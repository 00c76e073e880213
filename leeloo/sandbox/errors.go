package sandbox

import (
	"net/http"
	"sort"
	"strings"
)

// Error codes the live API is known to answer with.
const (
	codeFormat        = "FORMAT_ERROR"
	codeNotFound      = "NOT_FOUND"
	codeSession       = "SESSION_EXPIRED"
	codePhone         = "NOT_VALID_PHONE_NUMBER"
	codeAlreadyInUse  = "NAME_ALREADY_IN_USE"
	valueRequired     = "REQUIRED"
	valueNotValid     = "NOT_VALID"
	valueNotValidID   = "NOT_VALID_ID"
	valueNotValidDate = "NOT_VALID_DATE"
)

// apiError is an error answer: {"status":0,"error":{"code":..,"fields":{..}}}.
type apiError struct {
	status int
	code   string
	fields map[string]string
}

func (e *apiError) Error() string {
	keys := make([]string, 0, len(e.fields))
	for k := range e.fields {
		keys = append(keys, k+"="+e.fields[k])
	}
	sort.Strings(keys)
	return e.code + " " + strings.Join(keys, ",")
}

// errorBody is the wire shape of an error answer.
type errorBody struct {
	Status int         `json:"status"`
	Error  errorDetail `json:"error"`
}

type errorDetail struct {
	Code   string            `json:"code"`
	Fields map[string]string `json:"fields,omitempty"`
}

func (e *apiError) body() errorBody {
	return errorBody{Error: errorDetail{Code: e.code, Fields: e.fields}}
}

// formatError is a 400 FORMAT_ERROR with the given field codes.
func formatError(fields map[string]string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeFormat, fields: fields}
}

// fieldError is a 400 FORMAT_ERROR for one field.
func fieldError(field, value string) *apiError {
	return formatError(map[string]string{field: value})
}

// notFound is a 404 NOT_FOUND naming the field whose id is unknown.
func notFound(field string) *apiError {
	return &apiError{status: http.StatusNotFound, code: codeNotFound, fields: map[string]string{field: codeNotFound}}
}

// phoneError is the live API's answer to a phone with spaces, dashes or no '+'.
func phoneError(field string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codePhone, fields: map[string]string{field: codePhone}}
}

var (
	errRoute        = &apiError{status: http.StatusNotFound, code: codeNotFound}
	errTokenMissing = &apiError{status: http.StatusUnauthorized, code: codeFormat, fields: map[string]string{"authToken": valueRequired}}
	errTokenWrong   = &apiError{status: http.StatusUnauthorized, code: codeSession}
	errTooLarge     = &apiError{status: http.StatusRequestEntityTooLarge, code: codeFormat, fields: map[string]string{"body": "TOO_LARGE"}}
	errBadJSON      = fieldError("body", "NOT_VALID_JSON")
)

// fieldErrors collects validation failures; the first code per field wins.
type fieldErrors map[string]string

func (fe fieldErrors) add(field, code string) {
	if _, ok := fe[field]; !ok {
		fe[field] = code
	}
}

// err is nil when nothing failed, else a FORMAT_ERROR with every field.
func (fe fieldErrors) err() *apiError {
	if len(fe) == 0 {
		return nil
	}
	return formatError(fe)
}
