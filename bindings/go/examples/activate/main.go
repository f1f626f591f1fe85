// Command activate activates a license with OpenLex and checks it, using the
// lexactivator Go binding. It builds with CGO_ENABLED=0.
//
//	OPENLEX_PRODUCT_DATA=... OPENLEX_PRODUCT_ID=... OPENLEX_LICENSE_KEY=... \
//	OPENLEX_SERVER_URL=https://licenses.example.com \
//	OPENLEX_LIBRARY=/path/to/libLexActivator.so ./activate [--deactivate]
//
// Without OPENLEX_LIBRARY it loads the library next to itself, else the system's
// (see lexactivator.Load); it prints the file it loaded.
package main

import (
	"fmt"
	"os"

	lexactivator "github.com/openlex/openlex/bindings/go/v3"
)

func main() {
	if err := lexactivator.Load(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("library:", lexactivator.LibraryPath())
	check := func(what string, status int) {
		if status != lexactivator.LA_OK {
			fmt.Fprintf(os.Stderr, "%s failed: status %d\n", what, status)
			os.Exit(1)
		}
	}
	check("SetProductData", lexactivator.SetProductData(os.Getenv("OPENLEX_PRODUCT_DATA")))
	check("SetProductId", lexactivator.SetProductId(os.Getenv("OPENLEX_PRODUCT_ID"), lexactivator.LA_USER))
	if url := os.Getenv("OPENLEX_SERVER_URL"); url != "" {
		check("SetCryptlexHost", lexactivator.SetCryptlexHost(url))
	}

	if len(os.Args) > 1 && os.Args[1] == "--deactivate" {
		check("DeactivateLicense", lexactivator.DeactivateLicense())
		fmt.Println("deactivated")
		return
	}

	status := lexactivator.IsLicenseGenuine()
	if status != lexactivator.LA_OK {
		check("SetLicenseKey", lexactivator.SetLicenseKey(os.Getenv("OPENLEX_LICENSE_KEY")))
		status = lexactivator.ActivateLicense()
	}
	switch status {
	case lexactivator.LA_OK, lexactivator.LA_EXPIRED, lexactivator.LA_SUSPENDED:
		var key string
		var expiry uint
		lexactivator.GetLicenseKey(&key)
		lexactivator.GetLicenseExpiryDate(&expiry)
		fmt.Printf("activated: key=%s status=%d expiry=%d\n", key, status, expiry)
	default:
		fmt.Fprintf(os.Stderr, "activation failed: status %d\n", status)
		os.Exit(1)
	}
}
