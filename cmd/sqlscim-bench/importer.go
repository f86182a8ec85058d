package main

import (
	"context"
	"database/sql"
)

// importer runs the statements of an import page by page, as the engine
// does since its paged imports are linear (internal/provision/imports.go):
//
//   - SQL mode: the first page is COUNT(*) and LIMIT/OFFSET on the wrapped
//     Get Users; each later page continues after the last id served
//     (WHERE id > ? ORDER BY id LIMIT 100);
//   - procedure mode: the first page runs Get Users once and keeps the ids
//     of every user; each page then reads its users with get_user_by_id;
//
// then get_user_entitlements for each user of the page, one after the other.
type importer struct {
	v      variant
	total  int
	lastID any
	ids    []string
}

// page returns the total and the number of users on the page.
func (im *importer) page(ctx context.Context, startIndex int) (total, got int, err error) {
	v := im.v
	var page [][]any
	var cols map[string]int
	if gu := v.op("get_users"); gu.proc {
		if startIndex == 1 || im.ids == nil {
			rows, err := v.query(ctx, nil, &gu.statement)
			if err != nil {
				return 0, 0, err
			}
			names, err := rows.Columns()
			if err != nil {
				rows.Close()
				return 0, 0, err
			}
			all, err := scanAll(rows)
			if err != nil {
				return 0, 0, err
			}
			idAt := colIndex(names)["USER_ID"]
			im.ids = make([]string, len(all))
			for i, u := range all {
				im.ids[i] = asText(u[idAt])
			}
		}
		from := min(startIndex-1, len(im.ids))
		to := min(from+pageSize, len(im.ids))
		for _, id := range im.ids[from:to] {
			rows, err := v.query(ctx, nil, &v.op("get_user_by_id").statement, id)
			if err != nil {
				return 0, 0, err
			}
			users, err := scanAll(rows)
			if err != nil {
				return 0, 0, err
			}
			page = append(page, users...)
		}
		im.total, cols = len(im.ids), v.b.userCols
	} else {
		var rows *sql.Rows
		if startIndex == 1 || im.lastID == nil {
			if err := v.queryRow(ctx, &v.b.count).Scan(&im.total); err != nil {
				return 0, 0, err
			}
			rows, err = v.query(ctx, nil, &v.b.firstPage)
		} else {
			rows, err = v.query(ctx, nil, &v.b.nextPage, im.lastID)
		}
		if err != nil {
			return 0, 0, err
		}
		names, err := rows.Columns()
		if err != nil {
			rows.Close()
			return 0, 0, err
		}
		cols = colIndex(names)
		if page, err = scanAll(rows); err != nil {
			return 0, 0, err
		}
		if len(page) > 0 {
			im.lastID = asText(page[len(page)-1][cols["USER_ID"]])
		}
	}
	for _, u := range page {
		if err := v.userEntitlements(ctx, u, cols); err != nil {
			return 0, 0, err
		}
	}
	return im.total, len(page), nil
}
