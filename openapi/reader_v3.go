package openapi

func (c *converter) readV3() *document { return c.readV2() }
