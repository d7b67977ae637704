// Package layering holds the test that keeps espctl's imports flowing one way (see
// docs/development.md): inputs -> translate -> consumers, never back.
package layering
