package demo

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// library is the demo's in-memory state. Messages are plain Go structs: the gRPC layer
// (server.go) converts them to and from dynamic proto messages through JSON, which keeps this
// file about shelves and books.
type library struct {
	mu        sync.Mutex
	shelves   map[int64]*shelfEntry
	nextShelf int64
	nextBook  int64
}

type shelfEntry struct {
	shelf Shelf
	books map[int64]Book
}

// Shelf and Book mirror the proto messages; json tags are the proto field names.
type Shelf struct {
	ID    int64  `json:"id,string,omitempty"`
	Theme string `json:"theme,omitempty"`
}

type Book struct {
	ID     int64  `json:"id,string,omitempty"`
	Author string `json:"author,omitempty"`
	Title  string `json:"title,omitempty"`
	Genre  string `json:"genre,omitempty"`
}

// request is the union of the request messages' fields.
type request struct {
	Shelf  json.RawMessage `json:"shelf,omitempty"`
	Book   json.RawMessage `json:"book,omitempty"`
	Author string          `json:"author,omitempty"`
}

func newLibrary() *library {
	l := &library{shelves: map[int64]*shelfEntry{}}
	fiction := l.createShelf(Shelf{Theme: "Fiction"})
	l.createBook(fiction.ID, Book{Author: "Leo Tolstoy", Title: "War and Peace", Genre: "NOVEL"})
	l.createBook(fiction.ID, Book{Author: "Jane Austen", Title: "Emma", Genre: "NOVEL"})
	science := l.createShelf(Shelf{Theme: "Science"})
	l.createBook(science.ID, Book{Author: "Charles Darwin", Title: "On the Origin of Species", Genre: "SCIENCE"})
	return l
}

func (l *library) createShelf(s Shelf) Shelf {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nextShelf++
	s.ID = l.nextShelf
	l.shelves[s.ID] = &shelfEntry{shelf: s, books: map[int64]Book{}}
	return s
}

func (l *library) createBook(shelf int64, b Book) (Book, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.shelf(shelf)
	if err != nil {
		return Book{}, err
	}
	l.nextBook++
	b.ID = l.nextBook
	e.books[b.ID] = b
	return b, nil
}

// shelf needs l.mu held.
func (l *library) shelf(id int64) (*shelfEntry, error) {
	e, ok := l.shelves[id]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "shelf %d not found", id)
	}
	return e, nil
}

func (l *library) listShelves() []Shelf {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Shelf, 0, len(l.shelves))
	for _, e := range l.shelves {
		out = append(out, e.shelf)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (l *library) getShelf(id int64) (Shelf, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.shelf(id)
	if err != nil {
		return Shelf{}, err
	}
	return e.shelf, nil
}

func (l *library) deleteShelf(id int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.shelf(id); err != nil {
		return err
	}
	delete(l.shelves, id)
	return nil
}

func (l *library) listBooks(shelf int64, author string) ([]Book, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.shelf(shelf)
	if err != nil {
		return nil, err
	}
	out := []Book{}
	for _, b := range e.books {
		if author == "" || strings.EqualFold(b.Author, author) {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (l *library) getBook(shelf, book int64) (Book, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.shelf(shelf)
	if err != nil {
		return Book{}, err
	}
	b, ok := e.books[book]
	if !ok {
		return Book{}, status.Errorf(codes.NotFound, "book %d not found on shelf %d", book, shelf)
	}
	return b, nil
}

func (l *library) deleteBook(shelf, book int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.shelf(shelf)
	if err != nil {
		return err
	}
	if _, ok := e.books[book]; !ok {
		return status.Errorf(codes.NotFound, "book %d not found on shelf %d", book, shelf)
	}
	delete(e.books, book)
	return nil
}

// id reads an int64 field that protojson printed as a string (or a number).
func id(raw json.RawMessage) int64 {
	s := strings.Trim(string(raw), `"`)
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
